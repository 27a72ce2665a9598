/**
 * The training settings form: field descriptions, parsing of the text inputs, validation through
 * src/config (so the form and the engine agree on what is valid), the recipe each face model and
 * start choice sets, and the stored form of the settings. Pure: no React, no storage.
 */
import {
  ConfigError,
  DEFAULT_EPOCHS,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  FACE_MODEL_LABELS,
  FACE_MODELS,
  FACEREC_TRAINING_CONFIG,
  REFERENCE_TRAINING_CONFIG,
  defaultModelConfig,
  faceModelOf,
  isFaceRecConfig,
  validateModelConfig,
  validateTrainingConfig,
  type FaceModel,
  type FaceRecConfig,
  type FreezeMode,
  type KochConfig,
  type ModelConfig,
  type PoolVariant,
  type TrainingConfig,
  type TrainingStart,
} from '../../config';

/** What the user sets in the Train panel. The rest of TrainingConfig keeps its defaults. */
export interface TrainingSettings {
  /** The face model: the network trained (and the app's verifier). */
  readonly faceModel: FaceModel;
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
 * its value ('pretrained' | 'scratch'), a select its option's value (the face model: 'facerec' |
 * 'koch'), a checkbox 'true' or 'false'.
 */
export type SettingsForm = Record<SettingsField, string>;

export type SettingsErrors = Partial<Record<SettingsField, string>>;

export type ParsedSettings =
  { readonly ok: true; readonly settings: TrainingSettings } | { readonly ok: false; readonly errors: SettingsErrors };

/**
 * The app's defaults: the face-recognition ResNet, its pretrained head fine-tuned with
 * FACEREC_TRAINING_CONFIG (30 epochs, learning rate 0.001, calibrated).
 */
export const DEFAULT_TRAINING_SETTINGS: TrainingSettings = {
  faceModel: 'facerec',
  start: FACEREC_TRAINING_CONFIG.start,
  epochs: FACEREC_TRAINING_CONFIG.epochs,
  batchSize: FACEREC_TRAINING_CONFIG.batchSize,
  learningRate: FACEREC_TRAINING_CONFIG.learningRate,
  samplesPerClass: FACEREC_TRAINING_CONFIG.samplesPerClass,
  trainFraction: FACEREC_TRAINING_CONFIG.trainFraction,
  pool: DEFAULT_MODEL_CONFIG.pool,
  augment: FACEREC_TRAINING_CONFIG.augment,
  freeze: FACEREC_TRAINING_CONFIG.freeze,
  calibrate: FACEREC_TRAINING_CONFIG.calibrate,
};

export interface FieldInfo {
  readonly label: string;
  /** One short line under the field (with the reference network; see `facerecHelp`). */
  readonly help: string;
  /** The short line with the face-recognition ResNet, where it differs. */
  readonly facerecHelp?: string;
  /** The longer explanation: the help line's tooltip, and the About dialog's training section. */
  readonly detail: string;
  /** Text inputs show the value in this unit: the split is edited as a percentage. */
  readonly percent?: boolean;
}

export const SETTINGS_FIELDS: Readonly<Record<SettingsField, FieldInfo>> = {
  faceModel: {
    label: 'Face model',
    help: 'The ResNet learns you in seconds; the reference, slowly.',
    detail:
      "Face recognition ResNet (the default): dlib's face-recognition network, pretrained on about 3 million faces, turns each face into 128 numbers; only the small similarity head on top of it trains on your captures, in seconds. Reference network (Koch et al.): the Siamese network of the paper, which trains every layer on your captures: slow (minutes to hours in a browser) and less sure about strangers.",
  },
  start: {
    label: 'Start from',
    help: 'Fine-tune the pretrained face model, or learn from scratch.',
    detail:
      "Fine-tuning starts from weights pretrained on thousands of people and adapts them to you: the ResNet's similarity head, or the whole reference network. From scratch starts from random weights (with the ResNet, only the head's; the ResNet itself stays pretrained) and learns from your captures alone.",
  },
  epochs: {
    label: 'Epochs',
    help: `Passes over the training pairs (${DEFAULT_EPOCHS.pretrained} to fine-tune).`,
    facerecHelp: `Passes over the training pairs (${FACEREC_TRAINING_CONFIG.epochs} for the head).`,
    detail: `Passes over all training pairs. The ResNet's head takes ${FACEREC_TRAINING_CONFIG.epochs}, each in a moment; the reference network needs ${DEFAULT_EPOCHS.pretrained} to fine-tune and trains ${DEFAULT_EPOCHS.scratch} from scratch.`,
  },
  batchSize: {
    label: 'Batch size',
    help: 'Pairs per gradient step (reference 16).',
    detail: 'Pairs per gradient step. Larger is smoother but slower per step (reference 16).',
  },
  learningRate: {
    label: 'Learning rate',
    help: `Adam step size (reference ${REFERENCE_TRAINING_CONFIG.learningRate}).`,
    facerecHelp: `Adam step size (${FACEREC_TRAINING_CONFIG.learningRate} for the head).`,
    detail: `Adam step size. The reference uses ${REFERENCE_TRAINING_CONFIG.learningRate}; larger can diverge. The ResNet's head, a single layer, trains with ${FACEREC_TRAINING_CONFIG.learningRate}.`,
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
export const BASIC_FIELDS = ['faceModel', 'start', 'epochs'] as const satisfies readonly SettingsField[];

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

/**
 * Fields of the reference network only: the face-recognition network has no pooling to choose, no
 * layers to freeze (only its head trains) and no images to augment (it trains on descriptors
 * computed once). The form hides them for it, and they take that network's recipe's values.
 */
export const KOCH_ONLY_FIELDS = ['pool', 'freeze', 'augment'] as const satisfies readonly SettingsField[];

/** Whether a field means something for a face model (the form shows it). */
export function fieldApplies(field: SettingsField, faceModel: FaceModel): boolean {
  return faceModel === 'koch' || !(KOCH_ONLY_FIELDS as readonly SettingsField[]).includes(field);
}

/** A field's one-line help for a face model. */
export function fieldHelp(field: SettingsField, faceModel: FaceModel): string {
  const info = SETTINGS_FIELDS[field];
  return faceModel === 'facerec' ? (info.facerecHelp ?? info.help) : info.help;
}

/** The face model choice's options, the default first. */
export const FACE_MODEL_CHOICES: Readonly<Record<FaceModel, string>> = {
  facerec: `${FACE_MODEL_LABELS.facerec} (default)`,
  koch: FACE_MODEL_LABELS.koch,
};

export const FREEZE_LABELS: Readonly<Record<FreezeMode, string>> = {
  none: 'None: every layer learns (reference)',
  convs: 'Convolutions: the embedding Dense and the head learn',
  embedding: 'Whole embedding: only the similarity head learns',
};

/** The start choice's options, per face model. */
export const START_LABELS: Readonly<Record<FaceModel, Readonly<Record<TrainingStart, string>>>> = {
  facerec: {
    pretrained: 'Pretrained similarity head (fine-tune, default)',
    scratch: 'From scratch (a random head)',
  },
  koch: {
    pretrained: 'Pretrained face model (fine-tune, default)',
    scratch: 'From scratch (the reference recipe)',
  },
};

/** Said under the start choice when the reference network trains from scratch. */
export const SCRATCH_NOTE = `From scratch needs many more captures and epochs: the reference recipe uses 300 anchors, 300 positives and ${DEFAULT_EPOCHS.scratch} epochs, and hours of training in a browser; with a few dozen captures it will not tell you from others.`;

/** Said under the start choice when the face-recognition network's head trains from scratch. */
export const FACEREC_SCRATCH_NOTE =
  'From scratch, the similarity head starts from random weights instead of the pretrained head (the ResNet itself stays pretrained): it needs more captures to tell you from others, and it knows nothing about strangers but the negatives.';

/** Said when the reference network's chosen pooling has no pretrained weights (only the paper pooling has). */
export const NO_PRETRAINED_NOTE =
  'The pretrained reference network uses the paper pooling: with the notebook pooling, training starts from scratch.';

export const BOOLEAN_FIELDS = ['augment', 'calibrate'] as const;

export const POOL_LABELS: Readonly<Record<PoolVariant, string>> = {
  paper: 'Paper (2×2)',
  notebook: 'Notebook (64)',
};

const NUMERIC_FIELDS = ['epochs', 'batchSize', 'learningRate', 'samplesPerClass', 'trainFraction'] as const;

/** The text an input shows for a setting. */
export function settingsToForm(s: TrainingSettings): SettingsForm {
  return {
    faceModel: s.faceModel,
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
 * The recipe of each face model and start, which choosing them sets:
 * - the face-recognition ResNet: FACEREC_TRAINING_CONFIG (its head: 30 epochs, learning rate
 *   0.001, calibrated), from the pretrained head or, from scratch, a random one;
 * - the reference network: fine-tuning the app's former defaults (DEFAULT_TRAINING_CONFIG: 5
 *   epochs, augmented, calibrated), from scratch the reference recipe (REFERENCE_TRAINING_CONFIG:
 *   50 epochs, no augmentation, no calibration, every layer trained).
 */
export const TRAINING_PRESETS: Readonly<Record<FaceModel, Readonly<Record<TrainingStart, TrainingConfig>>>> = {
  facerec: {
    pretrained: FACEREC_TRAINING_CONFIG,
    scratch: { ...FACEREC_TRAINING_CONFIG, start: 'scratch' },
  },
  koch: {
    pretrained: DEFAULT_TRAINING_CONFIG,
    scratch: REFERENCE_TRAINING_CONFIG,
  },
};

/** The fields a recipe sets when the face model or the start is chosen; the others keep the user's values. */
export const PRESET_FIELDS = [
  'epochs',
  'batchSize',
  'learningRate',
  'augment',
  'freeze',
  'calibrate',
] as const satisfies readonly SettingsField[];

/** The face model a form's text chooses (the default for anything else). */
function formFaceModel(form: SettingsForm): FaceModel {
  return form.faceModel === 'koch' ? 'koch' : 'facerec';
}

function formStart(form: SettingsForm): TrainingStart {
  return form.start === 'scratch' ? 'scratch' : 'pretrained';
}

/** The settings of a face model's recipe for a start, as the form shows them. */
function presetForm(faceModel: FaceModel, start: TrainingStart): SettingsForm {
  return settingsToForm(settingsFromConfigs(TRAINING_PRESETS[faceModel][start], defaultModelConfig(faceModel)));
}

/**
 * The form after one input changed. Choosing a face model or where training starts also sets the
 * epochs, learning rate, augmentation, frozen layers and calibration to the recipe of the pair
 * (TRAINING_PRESETS); the user may edit them after. Choosing the same again changes nothing.
 */
export function applySettingsChange(form: SettingsForm, field: SettingsField, value: string): SettingsForm {
  const next = { ...form, [field]: value };
  const chosen =
    (field === 'start' && (value === 'pretrained' || value === 'scratch')) ||
    (field === 'faceModel' && (FACE_MODELS as readonly string[]).includes(value));
  if (chosen && value !== form[field]) {
    const preset = presetForm(formFaceModel(next), formStart(next));
    for (const f of PRESET_FIELDS) next[f] = preset[f];
  }
  return next;
}

/** The advanced fields the form shows for a face model, in its order. */
export function advancedFields(faceModel: FaceModel): SettingsField[] {
  return ADVANCED_FIELDS.filter((field) => fieldApplies(field, faceModel));
}

/**
 * The shown advanced fields whose text differs from what the chosen face model and start set by
 * themselves (TRAINING_PRESETS), so that a closed "Advanced" disclosure can still say that
 * something there was changed. Fields hidden for the face model are never reported.
 */
export function changedAdvanced(form: SettingsForm): SettingsField[] {
  const faceModel = formFaceModel(form);
  const preset = presetForm(faceModel, formStart(form));
  const same = (text: string, preset: string) =>
    text.trim() === preset || (parseNumber(text) !== null && parseNumber(text) === Number(preset));
  return advancedFields(faceModel).filter((field) => !same(form[field], preset[field]));
}

/**
 * The note under the start choice: the reference network from scratch (SCRATCH_NOTE) or without
 * pretrained weights for its pooling (NO_PRETRAINED_NOTE), the ResNet's head from scratch
 * (FACEREC_SCRATCH_NOTE); null when there is nothing to say.
 */
export function startNote(form: SettingsForm): string | null {
  const scratch = formStart(form) === 'scratch';
  if (formFaceModel(form) === 'facerec') return scratch ? FACEREC_SCRATCH_NOTE : null;
  return scratch ? SCRATCH_NOTE : form.pool !== 'paper' ? NO_PRETRAINED_NOTE : null;
}

/** Validates one value with the config validators and returns the reason it is invalid, if it is. */
function configError(field: SettingsField, value: number | string | boolean): string | null {
  try {
    if (field === 'pool') validateModelConfig({ pool: value as PoolVariant });
    else if (field === 'faceModel') validateModelConfig({ faceModel: value } as Partial<ModelConfig>);
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

/**
 * Parses every field; the errors name the field's value and what is expected. The fields hidden
 * for the chosen face model are not read: they take its recipe's values (see `applicableSettings`).
 */
export function parseSettingsForm(form: SettingsForm): ParsedSettings {
  const errors: SettingsErrors = {};
  const values: Partial<Record<SettingsField, number | string | boolean>> = {};
  const faceModelError = configError('faceModel', form.faceModel);
  if (faceModelError) errors.faceModel = faceModelError;
  else values.faceModel = form.faceModel;
  const faceModel = formFaceModel(form);
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
    if (!fieldApplies(field, faceModel)) continue;
    const err = configError(field, form[field]);
    if (err) errors[field] = err;
    else values[field] = form[field];
  }
  for (const field of BOOLEAN_FIELDS) {
    if (!fieldApplies(field, faceModel)) continue;
    const raw = form[field];
    if (raw === 'true' || raw === 'false') values[field] = raw === 'true';
    else errors[field] = `${SETTINGS_FIELDS[field].label}: "${raw}" is not on or off.`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, settings: applicableSettings(values as unknown as TrainingSettings) };
}

/**
 * The settings with the fields that do not apply to their face model (KOCH_ONLY_FIELDS, for the
 * ResNet) set to that face model's values: the paper pooling, the ResNet recipe's augmentation
 * (off) and frozen layers (none), so that they never differ for nothing.
 */
export function applicableSettings(s: TrainingSettings): TrainingSettings {
  if (s.faceModel !== 'facerec') return s;
  return { ...s, pool: DEFAULT_MODEL_CONFIG.pool, augment: FACEREC_TRAINING_CONFIG.augment, freeze: FACEREC_TRAINING_CONFIG.freeze };
}

/**
 * The form's view of full engine configs (e.g. as stored in the settings store, or a checkpoint's):
 * the face model from the model config, the pooling from a reference network's.
 */
export function settingsFromConfigs(training: TrainingConfig, model: ModelConfig): TrainingSettings {
  const { start, epochs, batchSize, learningRate, samplesPerClass, trainFraction, augment, freeze, calibrate } = training;
  const pool = isFaceRecConfig(model) ? DEFAULT_MODEL_CONFIG.pool : model.pool;
  const faceModel = faceModelOf(model);
  return applicableSettings({
    faceModel,
    start,
    epochs,
    batchSize,
    learningRate,
    samplesPerClass,
    trainFraction,
    pool,
    augment,
    freeze,
    calibrate,
  });
}

/**
 * The engine's configs for these settings; everything the user does not set keeps its value in
 * `base` (the stored configs) or its default. The model config is the chosen face model's: the
 * ResNet's keeps a stored ResNet config's fields; the reference network's keeps a stored reference
 * config's fields and takes the pooling, and names its face model ('koch') so that the settings
 * store does not read it as a config stored before the choice.
 */
export function configsFromSettings(
  s: TrainingSettings,
  base: { training?: Partial<TrainingConfig>; model?: Partial<ModelConfig> } = {},
): { training: TrainingConfig; model: ModelConfig } {
  const { pool, faceModel, ...training } = applicableSettings(s);
  const stored = base.model && faceModelOf(base.model) === faceModel ? base.model : {};
  return {
    training: validateTrainingConfig({ ...base.training, ...training }),
    model:
      faceModel === 'facerec'
        ? validateModelConfig({ ...(stored as Partial<FaceRecConfig>), faceModel: 'facerec' })
        : validateModelConfig({ ...(stored as Partial<KochConfig>), faceModel: 'koch', pool }),
  };
}
