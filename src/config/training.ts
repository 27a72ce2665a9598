/** Training: the reference recipe, the app's defaults and the validator. */
import { checkInt, checkNum, ConfigError } from './check';
import type { FaceModel } from './model';

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
 * The app's default: fine-tune the pretrained model with augmentation (why: see
 * bench/results/reference.md), otherwise the reference's batch, learning rate, samples and split.
 */
export const DEFAULT_TRAINING_CONFIG: TrainingConfig = {
  ...REFERENCE_TRAINING_CONFIG,
  start: 'pretrained',
  epochs: DEFAULT_EPOCHS.pretrained,
  augment: true,
  calibrate: true,
};

/**
 * The face-recognition network's training: only the head on cached face descriptors learns (129
 * weights), so a step costs next to nothing and the run takes more, larger steps than the
 * reference network's fine-tuning; augmentation does not apply (it changes images, and the
 * descriptors are computed once). Calibrated, as its pretrained head is.
 */
export const FACEREC_TRAINING_CONFIG: TrainingConfig = {
  ...DEFAULT_TRAINING_CONFIG,
  epochs: 30,
  // Small batches: the test split then holds a batch with a dozen captures of each kind.
  batchSize: 8,
  learningRate: 1e-3,
  augment: false,
  freeze: 'none',
  calibrate: true,
};

/**
 * Pairs of strangers (the bundled negatives: one person in two photos, and two people) trained
 * beside the user's own pairs, per face model (src/data strangerPairs): up to this many of each
 * label. The face-recognition head keeps its pretrained sense of how much a face varies between
 * photos; the reference network trains without them, as the reference does.
 */
export const STRANGER_PAIRS: Readonly<Record<FaceModel, number>> = { koch: 0, facerec: 150 };

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
  if (!(FREEZE_MODES as readonly unknown[]).includes(c.freeze))
    throw new ConfigError('freeze', c.freeze, `expected ${FREEZE_MODES.map((m) => `'${m}'`).join(', ')}`);
  if (typeof c.augment !== 'boolean') throw new ConfigError('augment', c.augment, 'expected true or false');
  if (typeof c.calibrate !== 'boolean') throw new ConfigError('calibrate', c.calibrate, 'expected true or false');
  return { ...c };
}
