import { DEFAULT_VERIFY_CONFIG, defaultModelConfig, FACE_MODEL_LABELS, faceModelOf, type FaceModel } from '../config';
import { loadNetwork, type NetworkMeta, type StoreOptions } from './io';
import { loadPretrained, type PretrainedOptions } from './pretrained';
import type { SiameseNetwork } from './siamese';
import { errorMessage } from '../common';
import { selectBackend, type BackendReport } from './backend';

/**
 * Which network is the app's model: the one trained (or imported) and stored in this browser, or,
 * while there is none, the chosen face model's bundled pretrained network (it verifies before any
 * training; Train fine-tunes it on the user).
 */
export type ModelSource = 'trained' | 'pretrained';

/** What the app model's meta.training holds for the pretrained model. */
export interface PretrainedInfo {
  readonly pretrained: { readonly version: string; readonly source: 'cache' | 'network' };
}

/** The app's model as `loadAppModel` chose it. */
export interface AppModel {
  readonly net: SiameseNetwork | null;
  readonly meta: NetworkMeta | null;
  /**
   * 'ready' when `net` is set (trained or pretrained); otherwise 'error' when the stored model could
   * not be read, 'none' when there was none (and the pretrained one could not be loaded either).
   */
  readonly status: 'ready' | 'none' | 'error';
  /** Where `net` comes from (null while there is no net). */
  readonly source: ModelSource | null;
  /**
   * What went wrong, even when a net is ready: the stored model could not be loaded (the pretrained
   * one is used instead), or the pretrained one could not be loaded either.
   */
  readonly error: string | null;
  /** A remark that is not an error, e.g. that the pretrained weights could not be kept in storage. */
  readonly note: string | null;
}

/** The pretrained model the app uses now, which `loadAppModel` keeps instead of loading it again. */
export interface PretrainedInUse {
  readonly net: SiameseNetwork;
  readonly meta: NetworkMeta | null;
  readonly note: string | null;
}

export interface LoadAppModelOptions {
  /** Key of the stored (trained or imported) model in the model store. */
  readonly key: string;
  /** Where the app is served from (import.meta.env.BASE_URL): the pretrained model lies under it. */
  readonly baseUrl: string;
  /** Whose pretrained network verifies while no model is stored (default 'facerec'). */
  readonly faceModel?: FaceModel;
  /**
   * Asked after the stored model was looked up: the pretrained model in use now (its backend
   * alive), or null. When there is no stored model it stays the app's model (not loaded again), if
   * it is of `faceModel`.
   */
  readonly pretrainedInUse?: () => PretrainedInUse | null;
  /** The model store (default: the app's, modelStore()). */
  readonly store?: StoreOptions['store'];
  /** Passed to loadPretrained (tests give a fetch). */
  readonly pretrained?: Omit<PretrainedOptions, 'store'>;
}

/** The pretrained model, loaded (IndexedDB, else the app's origin), or why it cannot be. */
async function pretrainedModel(options: LoadAppModelOptions, storedError: string | null): Promise<AppModel> {
  try {
    const p = await loadPretrained(options.baseUrl, defaultModelConfig(options.faceModel ?? 'facerec'), {
      ...options.pretrained,
      ...(options.store ? { store: options.store } : {}),
    });
    const training: PretrainedInfo = { pretrained: { version: p.version, source: p.source } };
    return {
      net: p.net,
      meta: { thresholds: DEFAULT_VERIFY_CONFIG, createdAt: new Date().toISOString(), training },
      status: 'ready',
      source: 'pretrained',
      error: storedError,
      note: p.notCached
        ? `The pretrained ${FACE_MODEL_LABELS[options.faceModel ?? 'facerec']} is not kept in this browser: ${p.notCached}.`
        : null,
    };
  } catch (e) {
    const why = `The pretrained face model could not be loaded (${errorMessage(e)}): train a model or import one to verify.`;
    return {
      net: null,
      meta: null,
      status: storedError ? 'error' : 'none',
      source: null,
      error: storedError ? `${storedError} ${why}` : why,
      note: null,
    };
  }
}

/**
 * Loads the app's model: the stored one under `key`; when there is none, or it cannot be read
 * (`error` says so), the pretrained model, kept when already in use (`reused`). The caller owns
 * the returned network (and, when not `reused`, disposes it if it does not use it).
 */
export async function loadAppModel(options: LoadAppModelOptions): Promise<{ readonly model: AppModel; readonly reused: boolean }> {
  let storedError: string | null = null;
  try {
    const loaded = await loadNetwork(options.key, options.store ? { store: options.store } : {});
    if (loaded)
      return { model: { net: loaded.net, meta: loaded.meta, status: 'ready', source: 'trained', error: null, note: null }, reused: false };
  } catch (e) {
    storedError = `The stored model could not be loaded: ${errorMessage(e)}.`;
  }
  // No stored model (or an unreadable one): the pretrained model verifies until Train. When it is
  // the app's model already, it stays.
  const inUse = options.pretrainedInUse?.() ?? null;
  if (inUse && faceModelOf(inUse.net.config) === (options.faceModel ?? 'facerec'))
    return {
      model: { net: inUse.net, meta: inUse.meta, status: 'ready', source: 'pretrained', error: storedError, note: inUse.note },
      reused: true,
    };
  return { model: await pretrainedModel(options, storedError), reused: false };
}

/** The app's backend after a start or a switch: the report, or what to tell the user when none started. */
export interface AppBackend {
  readonly report: BackendReport | null;
  /** A message for the user (a failure, or a switch they should know about); null when all went as planned. */
  readonly notice: string | null;
}

/** Selects the app's tf.js backend once per page (WebGL where the GPU is real, else WebAssembly). Never rejects. */
export async function startAppBackend(): Promise<AppBackend> {
  try {
    return { report: await selectBackend(), notice: null };
  } catch (e) {
    return { report: null, notice: `No tf.js backend could start: ${errorMessage(e)}` };
  }
}

/**
 * After the WebGL context was lost (every GPU tensor is gone): WebAssembly instead. The stored model
 * is then loaded again from IndexedDB, so nothing is lost. Never rejects.
 */
export async function recoverLostBackend(): Promise<AppBackend> {
  try {
    return {
      report: await selectBackend({ force: 'wasm' }),
      notice:
        "The GPU context was lost (a driver reset, or the GPU ran out of memory). Switched to WebAssembly and reloaded the model from this browser's storage: nothing was lost.",
    };
  } catch (e) {
    return { report: null, notice: `The GPU context was lost and WebAssembly could not start: ${errorMessage(e)}` };
  }
}
