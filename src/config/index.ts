/**
 * Typed defaults for the whole app. No imports: every other module may depend on this one.
 *
 * A validator returns a new, filled-in config and never mutates the caller's; errors name the bad
 * value (see `ConfigError`).
 */

export type PoolVariant = 'paper' | 'notebook';

/** The Siamese network. The defaults are the reference design (Koch et al. / the Keras notebook). */
export interface ModelConfig {
  /** Side of the square input image in pixels (reference: 100). Tests scale it down (>= 58). */
  readonly inputSize: number;
  /** Filters of the four convolutions (reference: 64, 128, 128, 256). */
  readonly filters: readonly [number, number, number, number];
  /** Kernel sizes of the four convolutions (reference: 10, 7, 4, 4). */
  readonly kernels: readonly [number, number, number, number];
  /** Size of the sigmoid embedding (reference: 4096). */
  readonly embeddingSize: number;
  /**
   * Max-pool window. 'paper': 2×2 stride 2 'same' (the default). 'notebook': the Keras notebook's
   * `MaxPooling2D(64, (2,2), padding='same')`, a 64×64 window with stride 2; same parameter count.
   */
  readonly pool: PoolVariant;
}

export interface TrainingConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Samples per class taken from the stores (reference: 300). */
  readonly samplesPerClass: number;
  /** Fraction of pairs used for training; the rest is the test split (reference: 0.7). */
  readonly trainFraction: number;
  /** A checkpoint (weights, optimizer, history) is written every this many epochs, and on stop. */
  readonly checkpointEvery: number;
  /** Seed of every random choice in training (pair shuffle, split, per-epoch reshuffle). */
  readonly seed: number;
  /**
   * Where training starts. 'pretrained': fine-tune the bundled face-similarity model
   * (public/models/pretrained; reference architecture only, other architectures start from
   * scratch). 'scratch': random weights, the reference recipe.
   */
  readonly start: TrainingStart;
  /**
   * Which layers keep their starting weights. 'none': every layer learns (the reference).
   * 'convs': the four convolutions stay fixed; the embedding Dense and the head learn.
   * 'embedding': the whole embedding tower stays fixed; only the head (the Dense 1 on |e1 − e2|,
   * 4,097 weights) learns, which re-weights the pretrained embedding's dimensions for one person.
   */
  readonly freeze: FreezeMode;
  /** Augment every training batch on the fly (src/augment, DEFAULT_AUGMENT_CONFIG), seeded. */
  readonly augment: boolean;
  /**
   * After training, move the classifier bias so that 0.5 accepts a fixed fraction (5 %) of
   * comparisons of the user's anchors with negatives the run did not train on (src/training
   * calibrate.ts). Only the operating point changes, not the ranking. Off in the reference.
   */
  readonly calibrate: boolean;
}

export type TrainingStart = 'pretrained' | 'scratch';

export const FREEZE_MODES = ['none', 'convs', 'embedding'] as const;
export type FreezeMode = (typeof FREEZE_MODES)[number];

/**
 * Before `freeze` existed, TrainingConfig had `freezeConvs: boolean`: a config stored then
 * (settings, checkpoints) reads as the same mode, without the old key. Other configs pass unchanged.
 */
export function migrateLegacyFreeze<T extends Partial<TrainingConfig>>(config: T): T {
  if (!('freezeConvs' in config)) return config;
  const { freezeConvs, ...rest } = config as T & { freezeConvs: unknown };
  if ('freeze' in rest || typeof freezeConvs !== 'boolean') return rest as unknown as T;
  return { ...rest, freeze: freezeConvs ? 'convs' : 'none' } as unknown as T;
}

/** How the capture square is placed: around the detected face, or the reference's fixed square. */
export type CropMode = 'face' | 'fixed';

export interface CaptureConfig {
  /**
   * 'face': the square follows the detected face (src/face crop rule), captures and verification
   * need a face. 'fixed': the reference's fixed square (squareSize, centerX, centerY).
   */
  readonly cropMode: CropMode;
  /** Side of the capture square in source pixels (reference: 250). */
  readonly squareSize: number;
  /**
   * Centre of the capture square as a fraction of the frame (0.5, 0.5 = centred). The reference
   * sliced rows 120:370 and columns 200:450 of a 640×480 frame, i.e. a centred square.
   */
  readonly centerX: number;
  readonly centerY: number;
  /** Captures per second while a capture key is held. */
  readonly repeatPerSecond: number;
  /**
   * Face mode: a face counts (for a capture, and before a verification frame is scored) only with
   * a detection confidence ≥ this. From FACE_THRESHOLD_RANGE: the detector itself keeps faces
   * from DEFAULT_FACE_CONFIG.scoreThreshold (0.5) up, so the setting can only be stricter.
   */
  readonly faceThreshold: number;
}

export interface VerifyConfig {
  /** A score above this counts as a detection (reference: 0.5). */
  readonly detectionThreshold: number;
  /** Access is granted when detections / N is above this (reference: 0.5). */
  readonly verificationThreshold: number;
}

export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  inputSize: 100,
  filters: [64, 128, 128, 256],
  kernels: [10, 7, 4, 4],
  embeddingSize: 4096,
  pool: 'paper',
};

/** The reference recipe: 50 epochs from random weights, no augmentation. */
export const REFERENCE_TRAINING_CONFIG: TrainingConfig = {
  epochs: 50,
  batchSize: 16,
  learningRate: 1e-4,
  samplesPerClass: 300,
  trainFraction: 0.7,
  checkpointEvery: 10,
  seed: 42,
  start: 'scratch',
  freeze: 'none',
  augment: false,
  calibrate: false,
};

/** Epochs of a run by where it starts: fine-tuning needs far fewer than the reference's 50. */
export const DEFAULT_EPOCHS: Readonly<Record<TrainingStart, number>> = { pretrained: 5, scratch: REFERENCE_TRAINING_CONFIG.epochs };

/**
 * The app's default: fine-tune the pretrained model with augmentation (see the README's
 * benchmark section for why), otherwise the reference's batch, learning rate, samples and split.
 */
export const DEFAULT_TRAINING_CONFIG: TrainingConfig = {
  ...REFERENCE_TRAINING_CONFIG,
  start: 'pretrained',
  epochs: DEFAULT_EPOCHS.pretrained,
  augment: true,
  calibrate: true,
};

export const DEFAULT_CAPTURE_CONFIG: CaptureConfig = {
  cropMode: 'face',
  squareSize: 250,
  centerX: 0.5,
  centerY: 0.5,
  repeatPerSecond: 4,
  faceThreshold: 0.5,
};

/** The face-confidence threshold's allowed range: from the detector's own cut-off to 0.99. */
export const FACE_THRESHOLD_RANGE = { min: 0.5, max: 0.99 } as const;

export const DEFAULT_VERIFY_CONFIG: VerifyConfig = {
  detectionThreshold: 0.5,
  verificationThreshold: 0.5,
};

/** Parameter counts of the reference model, for tests and the loader's architecture check. */
export const REFERENCE_PARAMS = { total: 38_964_545, embedding: 38_960_448 } as const;

export class ConfigError extends Error {
  readonly code = 'invalid-config';
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`Invalid ${field} = ${JSON.stringify(value)}: ${reason}`);
    this.name = 'ConfigError';
  }
}

function checkInt(field: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(field, v, `expected an integer in [${min}, ${max}]`);
  }
  return v;
}

function checkNum(field: string, v: unknown, min: number, max: number, openMin = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v > max || (openMin ? v <= min : v < min)) {
    throw new ConfigError(field, v, `expected a number in ${openMin ? '(' : '['}${min}, ${max}]`);
  }
  return v;
}

/** Smallest input on which the four convolutions still leave a positive spatial size. */
export const MIN_INPUT_SIZE = 58;

export function validateModelConfig(partial: Partial<ModelConfig> = {}): ModelConfig {
  const c = { ...DEFAULT_MODEL_CONFIG, ...partial };
  checkInt('inputSize', c.inputSize, MIN_INPUT_SIZE, 1024);
  if (!Array.isArray(c.filters) || c.filters.length !== 4) throw new ConfigError('filters', c.filters, 'expected 4 integers');
  c.filters.forEach((f, i) => checkInt(`filters[${i}]`, f, 1, 4096));
  if (!Array.isArray(c.kernels) || c.kernels.length !== 4) throw new ConfigError('kernels', c.kernels, 'expected 4 integers');
  c.kernels.forEach((k, i) => checkInt(`kernels[${i}]`, k, 1, 64));
  checkInt('embeddingSize', c.embeddingSize, 1, 65536);
  if (c.pool !== 'paper' && c.pool !== 'notebook') throw new ConfigError('pool', c.pool, "expected 'paper' or 'notebook'");
  return { ...c, filters: [...c.filters] as unknown as ModelConfig['filters'], kernels: [...c.kernels] as unknown as ModelConfig['kernels'] };
}

export function validateTrainingConfig(partial: Partial<TrainingConfig> = {}): TrainingConfig {
  const c: TrainingConfig = { ...DEFAULT_TRAINING_CONFIG, ...migrateLegacyFreeze(partial) };
  checkInt('epochs', c.epochs, 1, 10_000);
  checkInt('batchSize', c.batchSize, 1, 1024);
  checkNum('learningRate', c.learningRate, 0, 1, true);
  checkInt('samplesPerClass', c.samplesPerClass, 1, 100_000);
  checkNum('trainFraction', c.trainFraction, 0, 1, true);
  if (c.trainFraction >= 1) throw new ConfigError('trainFraction', c.trainFraction, 'must leave a test split (< 1)');
  checkInt('checkpointEvery', c.checkpointEvery, 1, 10_000);
  checkInt('seed', c.seed, 0, 2 ** 32 - 1);
  if (c.start !== 'pretrained' && c.start !== 'scratch') throw new ConfigError('start', c.start, "expected 'pretrained' or 'scratch'");
  if (!(FREEZE_MODES as readonly unknown[]).includes(c.freeze)) throw new ConfigError('freeze', c.freeze, `expected ${FREEZE_MODES.map((m) => `'${m}'`).join(', ')}`);
  if (typeof c.augment !== 'boolean') throw new ConfigError('augment', c.augment, 'expected true or false');
  if (typeof c.calibrate !== 'boolean') throw new ConfigError('calibrate', c.calibrate, 'expected true or false');
  return { ...c };
}

export function validateCaptureConfig(partial: Partial<CaptureConfig> = {}): CaptureConfig {
  const c = { ...DEFAULT_CAPTURE_CONFIG, ...partial };
  if (c.cropMode !== 'face' && c.cropMode !== 'fixed') throw new ConfigError('cropMode', c.cropMode, "expected 'face' or 'fixed'");
  checkInt('squareSize', c.squareSize, 16, 4096);
  checkNum('centerX', c.centerX, 0, 1);
  checkNum('centerY', c.centerY, 0, 1);
  checkNum('repeatPerSecond', c.repeatPerSecond, 0, 30, true);
  checkNum('faceThreshold', c.faceThreshold, FACE_THRESHOLD_RANGE.min, FACE_THRESHOLD_RANGE.max);
  return { ...c };
}

export function validateVerifyConfig(partial: Partial<VerifyConfig> = {}): VerifyConfig {
  const c = { ...DEFAULT_VERIFY_CONFIG, ...partial };
  checkNum('detectionThreshold', c.detectionThreshold, 0, 1);
  checkNum('verificationThreshold', c.verificationThreshold, 0, 1);
  return { ...c };
}

// ---------------------------------------------------------------------------------------------
// Face detection and the face crop rule (src/face).

export type FaceDetectorVariant = 'short' | 'full';

export interface FaceConfig {
  /** BlazeFace model: 'short' range (128×128 input) or 'full' range (192×192). */
  readonly variant: FaceDetectorVariant;
  /** A face counts as found when its score is at least this (0.5 as in MediaPipe's short range). */
  readonly scoreThreshold: number;
  /** Faces overlapping more than this (intersection over union) are merged (MediaPipe: 0.3). */
  readonly iouThreshold: number;
  /** Where the crop is centred: the face box centre, or the mean of the eyes, nose tip and mouth. */
  readonly centre: FaceCentre;
  /**
   * Side of the crop square = this × the face box side ((width + height) / 2), so that a face fills
   * the crop as it fills an LFW photo: 250 / the median box side on LFW photos.
   */
  readonly marginFactor: number;
  /** Crop centre = face centre + (offsetX, offsetY) × box side (LFW's median offset of the photo centre). */
  readonly offsetX: number;
  readonly offsetY: number;
}

export type FaceCentre = 'box' | 'keypoints';

/**
 * The crop rule measured per detector by `node scripts/measure-face-crop.mjs` (wasm backend, 300
 * LFW photos of people-dev-train, seed 1), each photo pasted 1:1 in the middle of a grey 640×480
 * frame as a webcam would see the face: marginFactor = 250 / median box side, offsets = median of
 * (photo centre − face centre) / box side.
 * - short: median box side 108.5 px → 2.3039; keypoint-centre offset (0.0028, −0.0636). The box
 *   centre wanders more in x (spread 8.9 px vs 3.3 px for the keypoint centre), hence 'keypoints'.
 *   With this rule the crop lands a median 3.5 px (x) and 2.8 px (y) from the pasted photo.
 * - full: median box side 107.5 px → 2.3258; keypoint-centre offset (0.0000, −0.0449), spread 1.2 px.
 * (On the raw 250×250 photos the boxes come out a little different: 105.2 px short, 110.7 px full.)
 */
export const FACE_CROP_RULES: Readonly<Record<FaceDetectorVariant, Pick<FaceConfig, 'centre' | 'marginFactor' | 'offsetX' | 'offsetY'>>> = {
  short: { centre: 'keypoints', marginFactor: 2.3039, offsetX: 0.0028, offsetY: -0.0636 },
  full: { centre: 'keypoints', marginFactor: 2.3258, offsetX: 0, offsetY: -0.0449 },
};

export const DEFAULT_FACE_CONFIG: FaceConfig = {
  variant: 'short',
  scoreThreshold: 0.5,
  iouThreshold: 0.3,
  ...FACE_CROP_RULES.short,
};

/** Fills in the defaults; the crop rule defaults to the one measured for the chosen variant. */
export function validateFaceConfig(partial: Partial<FaceConfig> = {}): FaceConfig {
  const variant = partial.variant ?? DEFAULT_FACE_CONFIG.variant;
  if (variant !== 'short' && variant !== 'full') throw new ConfigError('variant', variant, "expected 'short' or 'full'");
  const c = { ...DEFAULT_FACE_CONFIG, ...FACE_CROP_RULES[variant], ...partial };
  checkNum('scoreThreshold', c.scoreThreshold, 0, 1);
  checkNum('iouThreshold', c.iouThreshold, 0, 1);
  if (c.centre !== 'box' && c.centre !== 'keypoints') throw new ConfigError('centre', c.centre, "expected 'box' or 'keypoints'");
  checkNum('marginFactor', c.marginFactor, 0, 10, true);
  checkNum('offsetX', c.offsetX, -1, 1);
  checkNum('offsetY', c.offsetY, -1, 1);
  return { ...c };
}

// ---------------------------------------------------------------------------------------------
// On-the-fly augmentation of training images (src/augment).

/** A uniformly drawn per-image parameter in [min, max], or the identity when not enabled. */
export interface AugmentRange {
  readonly enabled: boolean;
  readonly min: number;
  readonly max: number;
}

export interface AugmentConfig {
  /** Master switch: false returns the images unchanged. */
  readonly enabled: boolean;
  /** Horizontal flip with this probability (reference notebook: 0.5). */
  readonly flip: { readonly enabled: boolean; readonly probability: number };
  /** Shift along each axis, as a fraction of the image side (±0.03 = ±3 px at 100 px). */
  readonly shift: AugmentRange;
  /** Zoom factor around the centre (> 1 zooms in); edges are filled by mirroring. */
  readonly scale: AugmentRange;
  /** Per-channel gain of a colour cast (1 ± 0.08). */
  readonly colorCast: AugmentRange;
  /** Added to every value (reference notebook: ±0.02). */
  readonly brightness: AugmentRange;
  /** Contrast factor around each channel's mean (reference notebook: 0.6–1.0). */
  readonly contrast: AugmentRange;
  /** Saturation factor, HSV saturation as tf.image.adjust_saturation (reference notebook: 0.9–1.0). */
  readonly saturation: AugmentRange;
  /** Sigma of a Gaussian blur in pixels (0–1.2). */
  readonly blur: AugmentRange;
  /** Sigma of additive Gaussian sensor noise, in [0, 1] units (0–0.03). */
  readonly noise: AugmentRange;
  /** JPEG quality, an integer 1–100 (reference notebook: 90–100); see src/augment/jpeg.ts. */
  readonly jpegQuality: AugmentRange;
}

export const DEFAULT_AUGMENT_CONFIG: AugmentConfig = {
  enabled: true,
  flip: { enabled: true, probability: 0.5 },
  shift: { enabled: true, min: -0.03, max: 0.03 },
  scale: { enabled: true, min: 0.95, max: 1.05 },
  colorCast: { enabled: true, min: 0.92, max: 1.08 },
  brightness: { enabled: true, min: -0.02, max: 0.02 },
  contrast: { enabled: true, min: 0.6, max: 1 },
  saturation: { enabled: true, min: 0.9, max: 1 },
  blur: { enabled: true, min: 0, max: 1.2 },
  noise: { enabled: true, min: 0, max: 0.03 },
  jpegQuality: { enabled: true, min: 90, max: 100 },
};

/** A partial augment config: any field, and any part of a field, may be left out. */
export type AugmentConfigInput = {
  readonly [K in keyof AugmentConfig]?: AugmentConfig[K] extends object ? Partial<AugmentConfig[K]> : AugmentConfig[K];
};

/**
 * The reference notebook's augmentation alone (brightness ±0.02, contrast 0.6–1.0, horizontal flip,
 * JPEG quality 90–100, saturation 0.9–1.0): DEFAULT_AUGMENT_CONFIG without the additions (shift,
 * zoom, colour cast, blur, noise). The benchmark's notebook-aug variant trains with it, to show what
 * the additions do.
 */
export const NOTEBOOK_AUGMENT: AugmentConfigInput = {
  shift: { enabled: false },
  scale: { enabled: false },
  colorCast: { enabled: false },
  blur: { enabled: false },
  noise: { enabled: false },
};

/** Allowed bounds of each range: [lowest min, highest max]. */
const AUGMENT_BOUNDS = {
  shift: [-0.25, 0.25],
  scale: [0.75, 1.5],
  colorCast: [0, 4],
  brightness: [-1, 1],
  contrast: [0, 4],
  saturation: [0, 4],
  blur: [0, 4],
  noise: [0, 1],
  jpegQuality: [1, 100],
} as const satisfies Record<string, readonly [number, number]>;

export function validateAugmentConfig(partial: AugmentConfigInput = {}): AugmentConfig {
  const d = DEFAULT_AUGMENT_CONFIG;
  if (partial.enabled !== undefined && typeof partial.enabled !== 'boolean') throw new ConfigError('augment.enabled', partial.enabled, 'expected true or false');
  const flip = { ...d.flip, ...partial.flip };
  if (typeof flip.enabled !== 'boolean') throw new ConfigError('augment.flip.enabled', flip.enabled, 'expected true or false');
  checkNum('augment.flip.probability', flip.probability, 0, 1);
  const ranges = {} as Record<keyof typeof AUGMENT_BOUNDS, AugmentRange>;
  for (const key of Object.keys(AUGMENT_BOUNDS) as (keyof typeof AUGMENT_BOUNDS)[]) {
    const r = { ...d[key], ...partial[key] };
    const [lo, hi] = AUGMENT_BOUNDS[key];
    if (typeof r.enabled !== 'boolean') throw new ConfigError(`augment.${key}.enabled`, r.enabled, 'expected true or false');
    checkNum(`augment.${key}.min`, r.min, lo, hi);
    checkNum(`augment.${key}.max`, r.max, lo, hi);
    if (r.min > r.max) throw new ConfigError(`augment.${key}`, { min: r.min, max: r.max }, 'min must not exceed max');
    if (key === 'jpegQuality') {
      checkInt('augment.jpegQuality.min', r.min, lo, hi);
      checkInt('augment.jpegQuality.max', r.max, lo, hi);
    }
    ranges[key] = r;
  }
  return { enabled: partial.enabled ?? d.enabled, flip, ...ranges };
}
