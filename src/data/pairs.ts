import { deriveSeed, shuffled } from './random';

/**
 * Training pairs, as in the reference notebook: (anchor, positive, 1) and (anchor, negative, 0),
 * one seeded shuffle, then ONE train/test split. No tf.js: pairs hold sample ids only.
 *
 * The notebook reshuffled the whole pair set on every pass before `take`/`skip`, so its "test"
 * pairs leaked into training. Here the split is made once and the test split is never trained on;
 * only the training split is reshuffled each epoch (`epochOrder`).
 */

/** Two sample ids and whether they show the same person (1) or not (0). */
export interface Pair {
  readonly a: string;
  readonly b: string;
  readonly label: 0 | 1;
}

export interface PairSplit {
  readonly train: Pair[];
  readonly test: Pair[];
}

/** Sample ids of the three training classes. */
export interface ClassIds {
  readonly anchors: readonly string[];
  readonly positives: readonly string[];
  readonly negatives: readonly string[];
}

export interface PairOptions {
  /** At most this many samples of each class are used (seeded choice when more are stored). */
  readonly samplesPerClass: number;
  /** Fraction of the pairs in the training split (reference 0.7); the rest is the test split. */
  readonly trainFraction: number;
  readonly seed: number;
}

export type PairsErrorCode = 'empty-class' | 'duplicate-id' | 'too-few-pairs' | 'invalid-option';

export class PairsError extends Error {
  constructor(
    readonly code: PairsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PairsError';
  }
}

/** Salts of the seeded choices; epochs use salts 0…9,999 (`epochOrder`), so these never collide. */
const SALT = { anchors: 0x1000_0001, positives: 0x1000_0002, negatives: 0x1000_0003, pairs: 0x1000_0004 } as const;

type ClassName = keyof ClassIds;
const CLASSES: readonly ClassName[] = ['anchors', 'positives', 'negatives'];

/** How many pairs `buildPairs` makes from class sizes, without building them (for the UI). */
export interface PairCounts {
  /** Samples used per class: min(samplesPerClass, stored). */
  readonly used: Readonly<Record<ClassName, number>>;
  readonly positivePairs: number;
  readonly negativePairs: number;
  readonly train: number;
  readonly test: number;
}

/**
 * Pair counts for stored class sizes. The rule: each used positive and each used negative makes
 * exactly one pair with an anchor; anchors are taken in (seeded) order and cycled when there are
 * fewer anchors than positives or negatives, so no positive/negative is dropped. With equal
 * counts this is the reference's `zip`.
 */
export function pairCounts(
  sizes: Readonly<Record<ClassName, number>>,
  options: Pick<PairOptions, 'samplesPerClass' | 'trainFraction'>,
): PairCounts {
  checkOptions(options);
  const used = {
    anchors: Math.min(options.samplesPerClass, sizes.anchors),
    positives: Math.min(options.samplesPerClass, sizes.positives),
    negatives: Math.min(options.samplesPerClass, sizes.negatives),
  };
  const positivePairs = used.anchors > 0 ? used.positives : 0;
  const negativePairs = used.anchors > 0 ? used.negatives : 0;
  const total = positivePairs + negativePairs;
  const train = Math.round(total * options.trainFraction);
  return { used, positivePairs, negativePairs, train, test: total - train };
}

function checkOptions(options: Pick<PairOptions, 'samplesPerClass' | 'trainFraction'>): void {
  if (!Number.isInteger(options.samplesPerClass) || options.samplesPerClass < 1) {
    throw new PairsError('invalid-option', `samplesPerClass ${options.samplesPerClass} must be a positive integer`);
  }
  if (!(options.trainFraction > 0 && options.trainFraction < 1)) {
    throw new PairsError('invalid-option', `trainFraction ${options.trainFraction} must be between 0 and 1 (exclusive)`);
  }
}

function checkIds(ids: ClassIds): void {
  const seen = new Map<string, ClassName>();
  for (const c of CLASSES) {
    if (ids[c].length === 0) throw new PairsError('empty-class', `There are no ${c}: capture or import some before training`);
    for (const id of ids[c]) {
      const other = seen.get(id);
      if (other !== undefined) throw new PairsError('duplicate-id', `Sample id "${id}" appears twice (in ${other} and ${c})`);
      seen.set(id, c);
    }
  }
}

/**
 * Builds the pairs and splits them once. `samplesPerClass` of each class are chosen by a seeded
 * shuffle (all of them when fewer are stored); positive i pairs with anchor i mod A, negative i
 * with anchor i mod A (A = anchors used). All pairs are shuffled once with the seed, and the first
 * round(total × trainFraction) form the training split, the rest the test split. Throws
 * PairsError when a class is empty, an id repeats, or either split would be empty.
 */
export function buildPairs(ids: ClassIds, options: PairOptions): PairSplit {
  checkOptions(options);
  checkIds(ids);
  const pick = (c: ClassName) => shuffled(ids[c], deriveSeed(options.seed, SALT[c])).slice(0, options.samplesPerClass);
  const anchors = pick('anchors');
  const pairsOf = (others: readonly string[], label: 0 | 1): Pair[] =>
    others.map((b, i) => ({ a: anchors[i % anchors.length]!, b, label }));
  const all = [...pairsOf(pick('positives'), 1), ...pairsOf(pick('negatives'), 0)];
  const mixed = shuffled(all, deriveSeed(options.seed, SALT.pairs));
  const nTrain = Math.round(mixed.length * options.trainFraction);
  if (nTrain < 1 || nTrain >= mixed.length) {
    throw new PairsError(
      'too-few-pairs',
      `${mixed.length} pairs split ${Math.round(options.trainFraction * 100)}/${100 - Math.round(options.trainFraction * 100)} leave ${nTrain} training and ${mixed.length - nTrain} test pairs; both need at least one: add samples`,
    );
  }
  return { train: mixed.slice(0, nTrain), test: mixed.slice(nTrain) };
}

/** The training split in the order of epoch `epoch` (0-based): a seeded reshuffle per epoch. */
export function epochOrder(train: readonly Pair[], seed: number, epoch: number): Pair[] {
  return shuffled(train, deriveSeed(seed, epoch));
}

/** A short fingerprint of a pair split (FNV-1a), so a checkpoint can tell whether the data changed. */
export function pairsFingerprint(split: { readonly train: readonly Pair[]; readonly test: readonly Pair[] }): string {
  let h = 0x811c9dc5;
  const add = (s: string) => {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  };
  for (const [name, pairs] of [
    ['train', split.train],
    ['test', split.test],
  ] as const) {
    add(`${name}:${pairs.length};`);
    for (const p of pairs) add(`${p.a}\u0000${p.b}\u0000${p.label};`);
  }
  return `${split.train.length}+${split.test.length}:${h.toString(16).padStart(8, '0')}`;
}
