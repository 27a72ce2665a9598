/**
 * The training settings form: field descriptions, parsing of the text inputs, validation through
 * src/config (so the form and the engine agree on what is valid), and the stored form of the
 * settings. Pure: no React, no storage.
 */
import {
  ConfigError,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  validateModelConfig,
  validateTrainingConfig,
  type ModelConfig,
  type PoolVariant,
  type TrainingConfig,
} from '../../config';

/** What the user sets in the Train panel. The rest of TrainingConfig keeps its defaults. */
export interface TrainingSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly samplesPerClass: number;
  readonly trainFraction: number;
  readonly pool: PoolVariant;
}

export type SettingsField = keyof TrainingSettings;

/** The raw text of each input (the input's `name` attribute is the field name). */
export type SettingsForm = Record<SettingsField, string>;

export type SettingsErrors = Partial<Record<SettingsField, string>>;

export type ParsedSettings =
  | { readonly ok: true; readonly settings: TrainingSettings }
  | { readonly ok: false; readonly errors: SettingsErrors };

export const DEFAULT_TRAINING_SETTINGS: TrainingSettings = {
  epochs: DEFAULT_TRAINING_CONFIG.epochs,
  batchSize: DEFAULT_TRAINING_CONFIG.batchSize,
  learningRate: DEFAULT_TRAINING_CONFIG.learningRate,
  samplesPerClass: DEFAULT_TRAINING_CONFIG.samplesPerClass,
  trainFraction: DEFAULT_TRAINING_CONFIG.trainFraction,
  pool: DEFAULT_MODEL_CONFIG.pool,
};

export interface FieldInfo {
  readonly label: string;
  /** One short sentence under the field. */
  readonly help: string;
  /** Text inputs show the value in this unit: the split is edited as a percentage. */
  readonly percent?: boolean;
}

export const SETTINGS_FIELDS: Readonly<Record<SettingsField, FieldInfo>> = {
  epochs: { label: 'Epochs', help: 'Passes over all training pairs. The reference trains 50.' },
  batchSize: { label: 'Batch size', help: 'Pairs per gradient step. Larger is smoother but slower per step (reference 16).' },
  learningRate: { label: 'Learning rate', help: 'Adam step size. The reference uses 0.0001; larger can diverge.' },
  samplesPerClass: {
    label: 'Samples per class',
    help: 'Anchors, positives and negatives taken for pairs (reference 300), capped by what is stored.',
  },
  trainFraction: {
    label: 'Training share (%)',
    help: 'Share of pairs used to train; the rest measure test loss, precision and recall (reference 70/30).',
    percent: true,
  },
  pool: {
    label: 'Pooling',
    help: "Paper: 2×2 max-pooling. Notebook: the Keras notebook's 64-wide window (same parameters, different features).",
  },
};

export const POOL_LABELS: Readonly<Record<PoolVariant, string>> = {
  paper: 'Paper (2×2)',
  notebook: 'Notebook (64)',
};

const NUMERIC_FIELDS = ['epochs', 'batchSize', 'learningRate', 'samplesPerClass', 'trainFraction'] as const;

/** The text an input shows for a setting. */
export function settingsToForm(s: TrainingSettings): SettingsForm {
  return {
    epochs: String(s.epochs),
    batchSize: String(s.batchSize),
    learningRate: String(s.learningRate),
    samplesPerClass: String(s.samplesPerClass),
    // Rounded so 0.7 shows as "70", not "70.00000000000001".
    trainFraction: String(Math.round(s.trainFraction * 1e6) / 1e4),
    pool: s.pool,
  };
}

/** Validates one value with the config validators and returns the reason it is invalid, if it is. */
function configError(field: SettingsField, value: number | string): string | null {
  try {
    if (field === 'pool') validateModelConfig({ pool: value as PoolVariant });
    else validateTrainingConfig({ [field]: value } as Partial<TrainingConfig>);
    return null;
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
}

function parseNumber(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Parses every field; the errors name the field's value and what is expected. */
export function parseSettingsForm(form: SettingsForm): ParsedSettings {
  const errors: SettingsErrors = {};
  const values: Partial<Record<SettingsField, number | string>> = {};
  for (const field of NUMERIC_FIELDS) {
    const raw = form[field];
    const parsed = parseNumber(raw);
    if (parsed === null) {
      errors[field] = `${SETTINGS_FIELDS[field].label}: "${raw}" is not a number.`;
      continue;
    }
    const value = SETTINGS_FIELDS[field].percent ? Math.round(parsed * 1e4) / 1e6 : parsed;
    const err = configError(field, value);
    if (err) errors[field] = SETTINGS_FIELDS[field].percent ? `${err} (entered ${raw}%)` : err;
    else values[field] = value;
  }
  const poolErr = configError('pool', form.pool);
  if (poolErr) errors.pool = poolErr;
  else values.pool = form.pool;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, settings: values as unknown as TrainingSettings };
}

/** The form's view of full engine configs (e.g. as stored in the settings store, or a checkpoint's). */
export function settingsFromConfigs(training: TrainingConfig, model: Pick<ModelConfig, 'pool'>): TrainingSettings {
  const { epochs, batchSize, learningRate, samplesPerClass, trainFraction } = training;
  return { epochs, batchSize, learningRate, samplesPerClass, trainFraction, pool: model.pool };
}

/** The engine's configs for these settings; everything the user does not set keeps its default. */
export function configsFromSettings(
  s: TrainingSettings,
  base: { training?: Partial<TrainingConfig>; model?: Partial<ModelConfig> } = {},
): { training: TrainingConfig; model: ModelConfig } {
  const { pool, ...training } = s;
  return {
    training: validateTrainingConfig({ ...base.training, ...training }),
    model: validateModelConfig({ ...base.model, pool }),
  };
}
