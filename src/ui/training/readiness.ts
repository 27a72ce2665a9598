/**
 * Is there enough data to train with these settings? Pure.
 *
 * Pairs are built by src/data/pairs (`pairCounts` says how many without building them): each used
 * positive and negative pairs with an anchor, then one train/test split. The minimum per class is
 * the smallest n for which n of each class gives a test split of at least one full batch, so test
 * loss, precision and recall are measured on at least `batchSize` pairs (and the training split
 * holds at least one pair). Anchors are held to the same minimum: the pair builder would cycle
 * fewer anchors, but then many pairs share one anchor, unlike the reference.
 *
 * With several people (one model for everyone, `buildPeoplePairs`) the pairs are counted with
 * `peoplePairCounts` (each person's positive pairs, the negatives spread over everyone, and
 * cross-person negatives); the minimum applies to the totals, and each person needs anchors and
 * positives of their own.
 */
import { peoplePairCounts, pairCounts } from '../../data';

export type TrainingKind = 'anchor' | 'positive' | 'negative';

export type TrainingCounts = Readonly<Record<TrainingKind, number>>;

/** One person's stored anchors and positives (countPeople). */
export interface PersonCounts {
  readonly person: string;
  /** Their name, for the messages (default: the id). */
  readonly name?: string;
  readonly anchor: number;
  readonly positive: number;
}

export interface ReadinessInput {
  readonly counts: TrainingCounts;
  /** The anchors and positives per person; absent or one person: everyone's samples train as one person's. */
  readonly people?: readonly PersonCounts[];
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

/**
 * Training and test pair counts for the stored counts (as the training session will make them:
 * buildPairs for one person, buildPeoplePairs for several).
 */
export function splitSizes(
  counts: TrainingCounts,
  samplesPerClass: number,
  trainFraction: number,
  people?: readonly PersonCounts[],
): { train: number; test: number } {
  const { train, test } =
    people && people.length > 1
      ? peoplePairCounts(
          people.map((p) => ({ person: p.person, anchors: p.anchor, positives: p.positive })),
          counts.negative,
          { samplesPerClass, trainFraction },
        )
      : pairCounts({ anchors: counts.anchor, positives: counts.positive, negatives: counts.negative }, { samplesPerClass, trainFraction });
  return { train, test };
}

/**
 * Each person's anchors and positives (from the People context's counts by id), people in the
 * order of `list` (the people setting) and then any other owner; people with neither are left out.
 */
export function countPeople(
  counts: ReadonlyMap<string, { readonly anchor: number; readonly positive: number }>,
  list: readonly { readonly id: string; readonly name: string }[] = [],
): PersonCounts[] {
  const order = [...list.map((p) => p.id), ...[...counts.keys()].filter((id) => !list.some((p) => p.id === id))];
  return order.flatMap((person) => {
    const c = counts.get(person);
    if (!c || c.anchor + c.positive === 0) return [];
    const name = list.find((p) => p.id === person)?.name;
    return [{ person, ...(name !== undefined && { name }), anchor: c.anchor, positive: c.positive }];
  });
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

export function trainingReadiness({ counts, people, samplesPerClass, batchSize, trainFraction }: ReadinessInput): Readiness {
  const min = minPerClass(batchSize, trainFraction);
  const several = people !== undefined && people.length > 1;
  // Several people: the smallest class any one of them brings (the setting caps each person's).
  const perClass = several
    ? Math.min(samplesPerClass, counts.negative, ...people.flatMap((p) => [p.anchor, p.positive]))
    : Math.min(samplesPerClass, counts.anchor, counts.positive, counts.negative);
  const { train, test } = splitSizes(counts, samplesPerClass, trainFraction, people);
  const kinds: TrainingKind[] = ['anchor', 'positive', 'negative'];
  const shortfalls = kinds.filter((k) => counts[k] < min).map((k) => ({ kind: k, more: min - counts[k] }));
  const settingTooSmall = samplesPerClass < min;
  const messages = shortfalls.map(({ kind, more }) => `${ACTION[kind]} at least ${more} more ${NOUN[kind][more === 1 ? 0 : 1]}.`);
  // Training refuses a person with anchors but no positives, or the other way round.
  for (const p of several ? people : []) {
    for (const kind of ['anchor', 'positive'] as const) {
      if (p[kind] === 0) messages.push(`Capture ${NOUN[kind][1]} of ${p.name ?? p.person} too (they have none), or delete their samples.`);
    }
  }
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
