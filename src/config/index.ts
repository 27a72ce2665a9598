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
}

export interface CaptureConfig {
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

export const DEFAULT_TRAINING_CONFIG: TrainingConfig = {
  epochs: 50,
  batchSize: 16,
  learningRate: 1e-4,
  samplesPerClass: 300,
  trainFraction: 0.7,
  checkpointEvery: 10,
  seed: 42,
};

export const DEFAULT_CAPTURE_CONFIG: CaptureConfig = {
  squareSize: 250,
  centerX: 0.5,
  centerY: 0.5,
  repeatPerSecond: 4,
};

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
  const c = { ...DEFAULT_TRAINING_CONFIG, ...partial };
  checkInt('epochs', c.epochs, 1, 10_000);
  checkInt('batchSize', c.batchSize, 1, 1024);
  checkNum('learningRate', c.learningRate, 0, 1, true);
  checkInt('samplesPerClass', c.samplesPerClass, 1, 100_000);
  checkNum('trainFraction', c.trainFraction, 0, 1, true);
  if (c.trainFraction >= 1) throw new ConfigError('trainFraction', c.trainFraction, 'must leave a test split (< 1)');
  checkInt('checkpointEvery', c.checkpointEvery, 1, 10_000);
  checkInt('seed', c.seed, 0, 2 ** 32 - 1);
  return { ...c };
}

export function validateCaptureConfig(partial: Partial<CaptureConfig> = {}): CaptureConfig {
  const c = { ...DEFAULT_CAPTURE_CONFIG, ...partial };
  checkInt('squareSize', c.squareSize, 16, 4096);
  checkNum('centerX', c.centerX, 0, 1);
  checkNum('centerY', c.centerY, 0, 1);
  checkNum('repeatPerSecond', c.repeatPerSecond, 0, 30, true);
  return { ...c };
}

export function validateVerifyConfig(partial: Partial<VerifyConfig> = {}): VerifyConfig {
  const c = { ...DEFAULT_VERIFY_CONFIG, ...partial };
  checkNum('detectionThreshold', c.detectionThreshold, 0, 1);
  checkNum('verificationThreshold', c.verificationThreshold, 0, 1);
  return { ...c };
}
