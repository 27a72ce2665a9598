/**
 * The training settings form: field descriptions, parsing of the text inputs, validation through
 * src/config (so the form and the engine agree on what is valid), and the stored form of the
 * settings. Pure: no React, no storage.
 */
import {
  ConfigError,
  DEFAULT_EPOCHS,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  REFERENCE_TRAINING_CONFIG,
  validateModelConfig,
  validateTrainingConfig,
  type FreezeMode,
  type ModelConfig,
  type PoolVariant,
  type TrainingConfig,
  type TrainingStart,
} from '../../config';

/** What the user sets in the Train panel. The rest of TrainingConfig keeps its defaults. */
export interface TrainingSettings {
  readonly start: TrainingStart;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly samplesPerClass: number;
  readonly trainFraction: number;
  readonly pool: PoolVariant;
  readonly augment: boolean;
  readonly freeze: FreezeMode;
  readonly calibrate: boolean;
}

export type SettingsField = keyof TrainingSettings;

/**
 * The raw text of each input (the input's `name` attribute is the field name); the start choice is
 * its value ('pretrained' | 'scratch'), a select its option's value, a checkbox 'true' or 'false'.
 */
export type SettingsForm = Record<SettingsField, string>;

export type SettingsErrors = Partial<Record<SettingsField, string>>;

export type ParsedSettings =
  { readonly ok: true; readonly settings: TrainingSettings } | { readonly ok: false; readonly errors: SettingsErrors };

/** The app's defaults (DEFAULT_TRAINING_CONFIG: fine-tune the pretrained model, augmented, 5 epochs). */
export const DEFAULT_TRAINING_SETTINGS: TrainingSettings = {
  start: DEFAULT_TRAINING_CONFIG.start,
  epochs: DEFAULT_TRAINING_CONFIG.epochs,
  batchSize: DEFAULT_TRAINING_CONFIG.batchSize,
  learningRate: DEFAULT_TRAINING_CONFIG.learningRate,
  samplesPerClass: DEFAULT_TRAINING_CONFIG.samplesPerClass,
  trainFraction: DEFAULT_TRAINING_CONFIG.trainFraction,
  pool: DEFAULT_MODEL_CONFIG.pool,
  augment: DEFAULT_TRAINING_CONFIG.augment,
  freeze: DEFAULT_TRAINING_CONFIG.freeze,
  calibrate: DEFAULT_TRAINING_CONFIG.calibrate,
};

export interface FieldInfo {
  readonly label: string;
  /** One short line under the field. */
  readonly help: string;
  /** The longer explanation: the help line's tooltip, and the About dialog's training section. */
  readonly detail: string;
  /** Text inputs show the value in this unit: the split is edited as a percentage. */
  readonly percent?: boolean;
}

export const SETTINGS_FIELDS: Readonly<Record<SettingsField, FieldInfo>> = {
  start: {
    label: 'Start from',
    help: 'Fine-tune the pretrained face model, or learn from scratch.',
    detail:
      'Fine-tuning adapts a face model pretrained on thousands of people to you in a few epochs; from scratch learns everything from your captures.',
  },
  epochs: {
    label: 'Epochs',
    help: `Passes over the training pairs (${DEFAULT_EPOCHS.pretrained} to fine-tune).`,
    detail: `Passes over all training pairs: ${DEFAULT_EPOCHS.pretrained} are enough to fine-tune; the reference trains ${DEFAULT_EPOCHS.scratch} from scratch.`,
  },
  batchSize: {
    label: 'Batch size',
    help: 'Pairs per gradient step (reference 16).',
    detail: 'Pairs per gradient step. Larger is smoother but slower per step (reference 16).',
  },
  learningRate: {
    label: 'Learning rate',
    help: 'Adam step size (reference 0.0001).',
    detail: 'Adam step size. The reference uses 0.0001; larger can diverge.',
  },
  samplesPerClass: {
    label: 'Samples per class',
    help: 'Images per class made into pairs (reference 300).',
    detail: 'Anchors, positives and negatives taken for pairs (reference 300), capped by what is stored.',
  },
  trainFraction: {
    label: 'Training share (%)',
    help: 'Pairs to train on; the rest test the model.',
    detail: 'Share of pairs used to train; the rest measure test loss, precision and recall (reference 70/30).',
    percent: true,
  },
  pool: {
    label: 'Pooling',
    help: "Max-pooling window: the paper's or the notebook's.",
    detail: "Paper: 2×2 max-pooling. Notebook: the Keras notebook's 64-wide window (same parameters, different features).",
  },
  augment: {
    label: 'Augment training images',
    help: 'Vary light, colour, blur and framing in every batch.',
    detail:
      'Random flips, small shifts, light, colour, blur, noise and JPEG changes on every training batch, so the model copes with another day and other light.',
  },
  calibrate: {
    label: 'Calibrate after training',
    help: 'Set the cut-off so about 1 in 20 strangers pass.',
    detail:
      'Sets the model so that a score above 0.5 lets in about 1 in 20 comparisons with faces training did not use, whatever the run learned. Only the cut-off moves, not how faces rank.',
  },
  freeze: {
    label: 'Frozen layers',
    help: 'Layers that keep their starting weights.',
    detail:
      'Layers that keep their starting weights. Freezing more makes steps faster and overfits less on few captures; it only makes sense when fine-tuning.',
  },
};

/** The fields a new user needs; the rest sit under the panel's "Advanced" disclosure. */
export const BASIC_FIELDS = ['start', 'epochs'] as const satisfies readonly SettingsField[];

/** The fields under "Advanced", in the order the form shows them. */
export const ADVANCED_FIELDS = [
  'batchSize',
  'learningRate',
  'samplesPerClass',
  'trainFraction',
  'pool',
  'freeze',
  'augment',
  'calibrate',
] as const satisfies readonly SettingsField[];

export const FREEZE_LABELS: Readonly<Record<FreezeMode, string>> = {
  none: 'None: every layer learns (reference)',
  convs: 'Convolutions: the embedding Dense and the head learn',
  embedding: 'Whole embedding: only the similarity head learns',
};

export const START_LABELS: Readonly<Record<TrainingStart, string>> = {
  pretrained: 'Pretrained face model (fine-tune, default)',
  scratch: 'From scratch (the reference recipe)',
};

/** Said under the start choice when it is 'scratch'. */
export const SCRATCH_NOTE = `From scratch needs many more captures and epochs: the reference recipe uses 300 anchors, 300 positives and ${DEFAULT_EPOCHS.scratch} epochs, and hours of training in a browser; with a few dozen captures it will not tell you from others.`;

/** Said when the chosen pooling has no pretrained weights (only the paper pooling has). */
export const NO_PRETRAINED_NOTE =
  'The pretrained face model uses the paper pooling: with the notebook pooling, training starts from scratch.';

export const BOOLEAN_FIELDS = ['augment', 'calibrate'] as const;

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
    start: s.start,
    augment: String(s.augment),
    freeze: s.freeze,
    calibrate: String(s.calibrate),
  };
}

/**
 * What choosing where training starts sets besides: from scratch is the reference recipe
 * (REFERENCE_TRAINING_CONFIG: 50 epochs, no augmentation, no calibration, every layer trained),
 * fine-tuning the app's defaults (DEFAULT_TRAINING_CONFIG: 5 epochs, augmented, calibrated).
 */
const START_PRESETS: Readonly<Record<TrainingStart, TrainingConfig>> = {
  scratch: REFERENCE_TRAINING_CONFIG,
  pretrained: DEFAULT_TRAINING_CONFIG,
};

/**
 * The form after one input changed. Choosing where training starts also sets the epochs,
 * augmentation, frozen layers and calibration to that choice's recipe (START_PRESETS; epochs
 * DEFAULT_EPOCHS: 5 to fine-tune, 50 from scratch); the user may edit them after.
 */
export function applySettingsChange(form: SettingsForm, field: SettingsField, value: string): SettingsForm {
  const next = { ...form, [field]: value };
  if (field === 'start' && (value === 'pretrained' || value === 'scratch') && value !== form.start) {
    const preset = START_PRESETS[value];
    next.epochs = String(DEFAULT_EPOCHS[value]);
    next.augment = String(preset.augment);
    next.freeze = preset.freeze;
    next.calibrate = String(preset.calibrate);
  }
  return next;
}

/**
 * The advanced fields whose text differs from what the chosen start sets by itself (START_PRESETS),
 * so that a closed "Advanced" disclosure can still say that something there was changed.
 */
export function changedAdvanced(form: SettingsForm): SettingsField[] {
  const start: TrainingStart = form.start === 'scratch' ? 'scratch' : 'pretrained';
  const preset = settingsToForm(settingsFromConfigs(START_PRESETS[start], DEFAULT_MODEL_CONFIG));
  const same = (text: string, preset: string) =>
    text.trim() === preset || (parseNumber(text) !== null && parseNumber(text) === Number(preset));
  return ADVANCED_FIELDS.filter((field) => !same(form[field], preset[field]));
}

/** Validates one value with the config validators and returns the reason it is invalid, if it is. */
function configError(field: SettingsField, value: number | string | boolean): string | null {
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
  const values: Partial<Record<SettingsField, number | string | boolean>> = {};
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
  for (const field of ['pool', 'start', 'freeze'] as const) {
    const err = configError(field, form[field]);
    if (err) errors[field] = err;
    else values[field] = form[field];
  }
  for (const field of BOOLEAN_FIELDS) {
    const raw = form[field];
    if (raw === 'true' || raw === 'false') values[field] = raw === 'true';
    else errors[field] = `${SETTINGS_FIELDS[field].label}: "${raw}" is not on or off.`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, settings: values as unknown as TrainingSettings };
}

/** The form's view of full engine configs (e.g. as stored in the settings store, or a checkpoint's). */
export function settingsFromConfigs(training: TrainingConfig, model: Pick<ModelConfig, 'pool'>): TrainingSettings {
  const { start, epochs, batchSize, learningRate, samplesPerClass, trainFraction, augment, freeze, calibrate } = training;
  return { start, epochs, batchSize, learningRate, samplesPerClass, trainFraction, pool: model.pool, augment, freeze, calibrate };
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
