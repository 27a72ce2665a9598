/**
 * Is there enough data to train with these settings? Pure.
 *
 * Pairs are built by src/data/pairs (`pairCounts` says how many without building them): each used
 * positive and negative pairs with an anchor, then one train/test split. The minimum per class is
 * the smallest n for which n of each class gives a test split of at least one full batch, so test
 * loss, precision and recall are measured on at least `batchSize` pairs (and the training split
 * holds at least one pair). Anchors are held to the same minimum: the pair builder would cycle
 * fewer anchors, but then many pairs share one anchor, unlike the reference.
 */
import { pairCounts } from '../../data';

export type TrainingKind = 'anchor' | 'positive' | 'negative';

export type TrainingCounts = Readonly<Record<TrainingKind, number>>;

export interface ReadinessInput {
  readonly counts: TrainingCounts;
  readonly samplesPerClass: number;
  readonly batchSize: number;
  readonly trainFraction: number;
}

export interface Shortfall {
  readonly kind: TrainingKind;
  /** How many more of this kind to capture or import. */
  readonly more: number;
}

export interface Readiness {
  readonly ready: boolean;
  /** Samples per class training will use now (the smallest stored class, capped by the setting). */
  readonly perClass: number;
  /** The smallest samples per class that gives one full test batch. */
  readonly minPerClass: number;
  readonly trainPairs: number;
  readonly testPairs: number;
  readonly shortfalls: readonly Shortfall[];
  /** True when the samples-per-class setting itself is below minPerClass. */
  readonly settingTooSmall: boolean;
  /** What to do, one sentence each (empty when ready). */
  readonly messages: readonly string[];
}

/** Training and test pair counts for the stored counts (as buildPairs will make them). */
export function splitSizes(counts: TrainingCounts, samplesPerClass: number, trainFraction: number): { train: number; test: number } {
  const { train, test } = pairCounts(
    { anchors: counts.anchor, positives: counts.positive, negatives: counts.negative },
    { samplesPerClass, trainFraction },
  );
  return { train, test };
}

const even = (n: number): TrainingCounts => ({ anchor: n, positive: n, negative: n });

/** Smallest n such that n samples of each class give at least `batchSize` test pairs and one training pair. */
export function minPerClass(batchSize: number, trainFraction: number): number {
  for (let n = 1; n < 1_000_000; n++) {
    const { train, test } = splitSizes(even(n), n, trainFraction);
    if (test >= batchSize && train >= 1) return n;
  }
  throw new Error(`No samples-per-class gives ${batchSize} test pairs with training share ${trainFraction}`);
}

const NOUN: Record<TrainingKind, [string, string]> = {
  anchor: ['anchor', 'anchors'],
  positive: ['positive', 'positives'],
  negative: ['negative', 'negatives'],
};

const ACTION: Record<TrainingKind, string> = {
  anchor: 'Capture',
  positive: 'Capture',
  negative: 'Import',
};

export function trainingReadiness({ counts, samplesPerClass, batchSize, trainFraction }: ReadinessInput): Readiness {
  const min = minPerClass(batchSize, trainFraction);
  const perClass = Math.min(samplesPerClass, counts.anchor, counts.positive, counts.negative);
  const { train, test } = splitSizes(counts, samplesPerClass, trainFraction);
  const kinds: TrainingKind[] = ['anchor', 'positive', 'negative'];
  const shortfalls = kinds.filter((k) => counts[k] < min).map((k) => ({ kind: k, more: min - counts[k] }));
  const settingTooSmall = samplesPerClass < min;
  const messages = shortfalls.map(({ kind, more }) => `${ACTION[kind]} at least ${more} more ${NOUN[kind][more === 1 ? 0 : 1]}.`);
  if (settingTooSmall) {
    messages.push(
      `Samples per class ${samplesPerClass} gives ${splitSizes(even(samplesPerClass), samplesPerClass, trainFraction).test} test pairs, fewer than one batch of ${batchSize}: set it to at least ${min} or lower the batch size.`,
    );
  }
  return {
    ready: messages.length === 0,
    perClass,
    minPerClass: min,
    trainPairs: train,
    testPairs: test,
    shortfalls,
    settingTooSmall,
    messages,
  };
}
