import { createStore, get, set, type UseStore } from 'idb-keyval';
import {
  DEFAULT_CAPTURE_CONFIG,
  DEFAULT_FACEREC_CONFIG,
  DEFAULT_LIVENESS_SETTINGS,
  DEFAULT_VERIFY_CONFIG,
  FACEREC_TRAINING_CONFIG,
  faceModelOf,
  validateCaptureConfig,
  validateLivenessSettings,
  validateModelConfig,
  validateTrainingConfig,
  validateVerifyConfig,
  type CaptureConfig,
  type LivenessSettings,
  type ModelConfig,
  type TrainingConfig,
  type VerifyConfig,
} from '../config';
import { DEFAULT_PEOPLE, validatePeopleSettings, type PeopleSettings } from './people';

/**
 * Browser storage: the IndexedDB databases of the app, quota and persistence, typed storage errors
 * and the settings store.
 *
 * Each concern has its own database (idb-keyval's `createStore` makes one object store per
 * database), so samples, models and settings never mix and can be cleared separately.
 */

export const DB_NAMES = {
  samples: 'siamese-face-id-samples',
  models: 'siamese-face-id-models',
  settings: 'siamese-face-id-settings',
} as const;

// ---------------------------------------------------------------------------------------------
// Errors

export type StorageErrorCode = 'storage-full' | 'invalid-sample' | 'unavailable';

/** What was being written when a storage error happened (a file name, or kind and source). */
export interface FailedSample {
  readonly name: string;
  readonly kind: string;
}

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    /** The sample whose write failed, when the error is about one. */
    readonly sample?: FailedSample,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * True for the browser's "quota exceeded" failure in any of its shapes: a `QuotaExceededError`
 * DOMException thrown by a request, or the same error on an aborted IndexedDB transaction, or
 * Firefox's legacy `NS_ERROR_DOM_QUOTA_REACHED`; also looks through `cause` chains.
 */
export function isQuotaExceeded(error: unknown): boolean {
  for (let e = error, depth = 0; e !== null && e !== undefined && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    const { name, code } = e as { name?: unknown; code?: unknown };
    if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
    if (e instanceof DOMException && code === 22) return true;
    // An aborted transaction reports its cause on `.error` (the event target), or via `cause`.
    const next = (e as { error?: unknown; cause?: unknown }).error ?? (e as { cause?: unknown }).cause;
    e = next;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Quota and persistence

export interface StorageInfo {
  /** Bytes used by this origin, when the browser says. */
  readonly usage: number | null;
  /** Bytes this origin may use, when the browser says. */
  readonly quota: number | null;
  /** True when the browser promised not to evict this origin's data; null when unknown. */
  readonly persisted: boolean | null;
}

function storageManager(): StorageManager | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.storage;
}

/** Usage, quota and persistence of this origin's storage (nulls where the browser does not tell). */
export async function storageInfo(): Promise<StorageInfo> {
  const sm = storageManager();
  const estimate = sm?.estimate ? await sm.estimate().catch(() => undefined) : undefined;
  const persisted = sm?.persisted ? await sm.persisted().catch(() => null) : null;
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted };
}

/**
 * Asks the browser to keep this origin's data under storage pressure (`navigator.storage.persist`).
 * Call it once the user has samples worth keeping. Returns whether storage is now persistent;
 * false where the API is missing or the browser declines.
 */
export async function requestPersistence(): Promise<boolean> {
  const sm = storageManager();
  if (!sm?.persist) return false;
  try {
    if (sm.persisted && (await sm.persisted())) return true;
    return await sm.persist();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Settings

/** The bundled negative pack's state in this browser (see negatives.ts). */
export interface BundledNegativesState {
  readonly version: string;
  /** Images of the pack stored so far. */
  readonly count: number;
  /** True once every image of this version is stored. */
  readonly complete: boolean;
}

export interface Settings {
  readonly capture: CaptureConfig;
  /** The Train panel's training config, for the face model of `model`. */
  readonly training: TrainingConfig;
  readonly verify: VerifyConfig;
  /** The liveness check's mode and time limit (a store without it reads the default). */
  readonly liveness: LivenessSettings;
  /**
   * The network the Train panel trains, which also says the app's face model. Stored with an
   * explicit `faceModel` (see `set`); one stored without it predates the choice (see `get`).
   */
  readonly model: ModelConfig;
  /** null until the bundled negatives were first loaded. */
  readonly bundledNegatives: BundledNegativesState | null;
  /** Whether the app already asked for persistent storage (ask once). */
  readonly persistenceRequested: boolean;
  /** Whether the Train panel's "Advanced" settings are shown (closed for a new user). */
  readonly trainingAdvancedOpen: boolean;
  /** The people the app knows, whom captures go to, and the identification margin (people.ts). */
  readonly people: PeopleSettings;
}

export type SettingKey = keyof Settings;

/** A new user's settings: the face-recognition ResNet, its head trained with its own recipe. */
export const DEFAULT_SETTINGS: Settings = {
  capture: DEFAULT_CAPTURE_CONFIG,
  training: FACEREC_TRAINING_CONFIG,
  verify: DEFAULT_VERIFY_CONFIG,
  liveness: DEFAULT_LIVENESS_SETTINGS,
  model: DEFAULT_FACEREC_CONFIG,
  bundledNegatives: null,
  persistenceRequested: false,
  trainingAdvancedOpen: false,
  people: DEFAULT_PEOPLE,
};

function validateBundledNegatives(v: unknown): BundledNegativesState | null {
  if (v === null) return null;
  const s = v as Partial<BundledNegativesState> | undefined;
  if (
    typeof s !== 'object' ||
    typeof s.version !== 'string' ||
    typeof s.count !== 'number' ||
    !Number.isInteger(s.count) ||
    s.count < 0 ||
    typeof s.complete !== 'boolean'
  ) {
    throw new TypeError(`Invalid bundledNegatives = ${JSON.stringify(v)}: expected { version, count, complete } or null`);
  }
  return { version: s.version, count: s.count, complete: s.complete };
}

function validateBoolean(v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`Invalid setting ${JSON.stringify(v)}: expected true or false`);
  return v;
}

/** Each setting's validator: fills in defaults and returns a new value, or throws naming the value. */
const VALIDATORS: { readonly [K in SettingKey]: (v: unknown) => Settings[K] } = {
  capture: (v) => validateCaptureConfig(v as Partial<CaptureConfig>),
  training: (v) => validateTrainingConfig(v as Partial<TrainingConfig>),
  verify: (v) => validateVerifyConfig(v as Partial<VerifyConfig>),
  liveness: (v) => validateLivenessSettings(v as Partial<LivenessSettings>),
  // Written with its face model named, so that a stored Koch config is not read as a legacy one.
  model: (v) => {
    const config = validateModelConfig(v as Partial<ModelConfig>);
    return { ...config, faceModel: faceModelOf(config) } as ModelConfig;
  },
  bundledNegatives: validateBundledNegatives,
  persistenceRequested: validateBoolean,
  trainingAdvancedOpen: validateBoolean,
  people: validatePeopleSettings,
};

/**
 * Before the face model could be chosen, the stored `model` setting was always a Koch config
 * without `faceModel`, and `training` that network's recipe. Such settings read as the new default
 * face model and its recipe (a model trained before keeps working: it is loaded by its own saved
 * config, not by this setting). Both are read so while the stored `model` setting is legacy; the
 * Train panel stores the two together, so its next save replaces both.
 */
const LEGACY_FACE_MODEL: Pick<Settings, 'model' | 'training'> = {
  model: DEFAULT_FACEREC_CONFIG,
  training: FACEREC_TRAINING_CONFIG,
};

/** Whether a stored `model` value predates the face model choice (an object without `faceModel`). */
function isLegacyModelSetting(stored: unknown): boolean {
  return typeof stored === 'object' && stored !== null && !('faceModel' in stored);
}

export interface SettingsStore {
  /**
   * The stored value, validated (settings stored before the face model choice read as the new
   * default face model, see LEGACY_FACE_MODEL); the default when nothing (or something invalid) is stored.
   */
  get<K extends SettingKey>(key: K): Promise<Settings[K]>;
  /**
   * Validates and stores a value (a model config with its `faceModel` named, 'koch' included);
   * throws (ConfigError / TypeError) naming an invalid value.
   */
  set<K extends SettingKey>(key: K, value: Settings[K]): Promise<void>;
  /** Whether a value is stored under `key` (valid or not): a migration's "first start after the update". */
  has(key: SettingKey): Promise<boolean>;
}

export function createSettingsStore(store: UseStore = createStore(DB_NAMES.settings, 'settings')): SettingsStore {
  return {
    async get(key) {
      const stored: unknown = await get(key, store);
      if (stored === undefined) return DEFAULT_SETTINGS[key];
      if (key === 'model' || key === 'training') {
        const model: unknown = key === 'model' ? stored : await get('model', store);
        if (isLegacyModelSetting(model)) return LEGACY_FACE_MODEL[key as keyof typeof LEGACY_FACE_MODEL] as Settings[typeof key];
      }
      try {
        return VALIDATORS[key](stored);
      } catch {
        // A value written by an older version (or damaged) must not brick the app.
        return DEFAULT_SETTINGS[key];
      }
    },
    async set(key, value) {
      const valid = VALIDATORS[key](value);
      try {
        await set(key, valid, store);
      } catch (e) {
        if (isQuotaExceeded(e))
          throw new StorageError('storage-full', `Storage is full: could not save the setting "${key}".`, undefined, { cause: e });
        throw e;
      }
    },
    async has(key) {
      return (await get(key, store)) !== undefined;
    },
  };
}

let defaultSettings: SettingsStore | undefined;

/** The app's settings store (database `siamese-face-id-settings`), created on first use. */
export function getSettingsStore(): SettingsStore {
  defaultSettings ??= createSettingsStore();
  return defaultSettings;
}
