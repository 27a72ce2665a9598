import { createRng, deriveSeed, shuffled } from './random';

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
    /** The person the problem is about (buildPeoplePairs), so the UI can name them. */
    readonly person?: string,
  ) {
    super(message);
    this.name = 'PairsError';
  }
}

/** Salts of the seeded choices; epochs use salts 0…9,999 (`epochOrder`), so these never collide. */
const SALT = { anchors: 0x1000_0001, positives: 0x1000_0002, negatives: 0x1000_0003, pairs: 0x1000_0004, cross: 0x1000_0005 } as const;

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
  return splitPairs([...pairsOf(pick('positives'), 1), ...pairsOf(pick('negatives'), 0)], options);
}

/** All pairs shuffled once with the seed; the first round(total × trainFraction) train, the rest test. */
function splitPairs(all: readonly Pair[], options: PairOptions): PairSplit {
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

/** One enrolled person's sample ids: their own anchors and positives (the negatives are shared). */
export interface PersonIds {
  readonly person: string;
  readonly anchors: readonly string[];
  readonly positives: readonly string[];
}

/** One enrolled person's class sizes (peoplePairCounts). */
export interface PersonSizes {
  readonly person: string;
  readonly anchors: number;
  readonly positives: number;
}

/** What one person's samples make (peoplePairCounts). */
export interface PersonPairCounts {
  readonly person: string;
  /** Their anchors and positives used: min(samplesPerClass, stored). */
  readonly used: { readonly anchors: number; readonly positives: number };
  /** (their anchor, their positive, 1) pairs. */
  readonly positivePairs: number;
  /** (their anchor, bundled negative, 0) pairs. */
  readonly negativePairs: number;
  /** (their anchor, another person's anchor or positive, 0) pairs. */
  readonly crossPairs: number;
}

/**
 * `pairCounts` for several people: `used` and the pair counts are totals over everyone;
 * `negativePairs` counts every label-0 pair (bundled and cross-person), a person's own
 * `negativePairs` only the bundled ones.
 */
export interface PeoplePairCounts extends PairCounts {
  /** Of `negativePairs`: those between two enrolled people. */
  readonly crossPairs: number;
  readonly people: readonly PersonPairCounts[];
}

/** FNV-1a over `s`, continuing from `h`. */
function fnv1a(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The layout of several people's pairs from their sizes alone, shared by buildPeoplePairs and
 * peoplePairCounts so the two always agree. `used*` are min(samplesPerClass, stored);
 * `others[k]` is how many samples person k's anchors may be compared with in cross-person pairs:
 * every other person's used positives, and the used anchors of the people AFTER k (an anchor–anchor
 * pair between two people is a candidate of the earlier one only, so it can never appear twice,
 * once each way round).
 */
function peopleLayout(
  people: readonly PersonSizes[],
  negatives: number,
  samplesPerClass: number,
): { usedAnchors: number[]; usedPositives: number[]; usedNegatives: number; others: number[]; cross: number[]; bundled: number[] } {
  const usedAnchors = people.map((p) => Math.min(samplesPerClass, p.anchors));
  const usedPositives = people.map((p) => Math.min(samplesPerClass, p.positives));
  const usedNegatives = Math.min(samplesPerClass, negatives);
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const others = people.map((_, k) => sum(usedPositives.filter((_, j) => j !== k)) + sum(usedAnchors.filter((_, j) => j > k)));
  // As many cross-person pairs as positive pairs, while there are distinct (anchor, other) pairs left.
  const cross = people.map((_, k) => (usedPositives[k]! > 0 ? Math.min(usedPositives[k]!, usedAnchors[k]! * others[k]!) : 0));
  // Bundled negative i goes to the i-th person (round robin) among those with anchors.
  const withAnchors = people.map((_, k) => k).filter((k) => usedAnchors[k]! > 0);
  const bundled = people.map(() => 0);
  withAnchors.forEach((k, r) => {
    bundled[k] = r < usedNegatives ? Math.floor((usedNegatives - 1 - r) / withAnchors.length) + 1 : 0;
  });
  return { usedAnchors, usedPositives, usedNegatives, others, cross, bundled };
}

/**
 * `pairCounts` for several people: how many pairs `buildPeoplePairs` makes from their sizes and the
 * number of negatives, without building them (for the UI). With one person (or none) it is
 * `pairCounts` of that person's sizes, with no cross-person pairs. A person without anchors makes
 * no pairs (buildPeoplePairs refuses them).
 */
export function peoplePairCounts(
  people: readonly PersonSizes[],
  negatives: number,
  options: Pick<PairOptions, 'samplesPerClass' | 'trainFraction'>,
): PeoplePairCounts {
  checkOptions(options);
  if (people.length <= 1) {
    const only = people[0];
    const counts = pairCounts({ anchors: only?.anchors ?? 0, positives: only?.positives ?? 0, negatives }, options);
    const mine = only
      ? [
          {
            person: only.person,
            used: { anchors: counts.used.anchors, positives: counts.used.positives },
            positivePairs: counts.positivePairs,
            negativePairs: counts.negativePairs,
            crossPairs: 0,
          },
        ]
      : [];
    return { ...counts, crossPairs: 0, people: mine };
  }
  const l = peopleLayout(people, negatives, options.samplesPerClass);
  const perPerson: PersonPairCounts[] = people.map((p, k) => {
    const hasAnchors = l.usedAnchors[k]! > 0;
    return {
      person: p.person,
      used: { anchors: l.usedAnchors[k]!, positives: l.usedPositives[k]! },
      positivePairs: hasAnchors ? l.usedPositives[k]! : 0,
      negativePairs: l.bundled[k]!,
      crossPairs: hasAnchors ? l.cross[k]! : 0,
    };
  });
  const total = (f: (c: PersonPairCounts) => number) => perPerson.reduce((a, c) => a + f(c), 0);
  const positivePairs = total((c) => c.positivePairs);
  const crossPairs = total((c) => c.crossPairs);
  const negativePairs = total((c) => c.negativePairs) + crossPairs;
  const train = Math.round((positivePairs + negativePairs) * options.trainFraction);
  return {
    used: { anchors: total((c) => c.used.anchors), positives: total((c) => c.used.positives), negatives: l.usedNegatives },
    positivePairs,
    negativePairs,
    train,
    test: positivePairs + negativePairs - train,
    crossPairs,
    people: perPerson,
  };
}

function checkPeople(people: readonly PersonIds[], negatives: readonly string[]): void {
  if (negatives.length === 0) throw new PairsError('empty-class', 'There are no negatives: capture or import some before training');
  const seen = new Map<string, string>();
  const persons = new Set<string>();
  for (const p of people) {
    if (persons.has(p.person)) throw new PairsError('duplicate-id', `Person "${p.person}" is listed twice`, p.person);
    persons.add(p.person);
    for (const c of ['anchors', 'positives'] as const) {
      if (p[c].length === 0) {
        throw new PairsError('empty-class', `Person "${p.person}" has no ${c}: capture some for them before training`, p.person);
      }
    }
  }
  const add = (id: string, where: string, person?: string) => {
    const other = seen.get(id);
    if (other !== undefined) throw new PairsError('duplicate-id', `Sample id "${id}" appears twice (in ${other} and ${where})`, person);
    seen.set(id, where);
  };
  for (const p of people)
    for (const c of ['anchors', 'positives'] as const) for (const id of p[c]) add(id, `${c} of "${p.person}"`, p.person);
  for (const id of negatives) add(id, 'negatives');
}

/** `m` distinct integers of [0, n) chosen by `rand` (Floyd's algorithm), in the order chosen; m ≤ n. */
function distinctIndices(m: number, n: number, rand: () => number): number[] {
  const chosen = new Set<number>();
  for (let t = n - m; t < n; t++) {
    const r = Math.floor(rand() * (t + 1));
    chosen.add(chosen.has(r) ? t : r);
  }
  return [...chosen];
}

/**
 * Pairs for one model that knows several enrolled people, split once like `buildPairs`. With one
 * person it IS `buildPairs({ anchors, positives, negatives }, options)` (and with none it refuses
 * like buildPairs). With several, after a seeded choice of `samplesPerClass` anchors and positives
 * per person (seeded by the seed and the person's id) and of `samplesPerClass` shared negatives:
 * - each person's positive i pairs with their anchor i mod A (label 1), as in buildPairs;
 * - bundled negative i pairs with an anchor of the people in turn (round robin: the i-th person's
 *   anchor ⌊i / people⌋ mod A), so every person is set against the strangers (label 0);
 * - cross-person pairs (label 0), the hardest negatives: as many per person as their positive pairs
 *   (fewer only when there are not that many distinct candidates). The i-th pairs their anchor
 *   i mod A with a seeded choice of another person's used positive or anchor, distinct for each
 *   anchor; an anchor–anchor pair of two people is only ever drawn by the earlier person of the
 *   list, so no two pairs hold the same two samples.
 * A sample id may appear in several pairs, but must belong to one person (or be one negative).
 * Throws PairsError when a person lacks anchors or positives (`person` names them), there are no
 * negatives, an id or person repeats, or either split would be empty.
 */
export function buildPeoplePairs(people: readonly PersonIds[], negatives: readonly string[], options: PairOptions): PairSplit {
  if (people.length <= 1) {
    return buildPairs({ anchors: people[0]?.anchors ?? [], positives: people[0]?.positives ?? [], negatives }, options);
  }
  checkOptions(options);
  checkPeople(people, negatives);
  const l = peopleLayout(
    people.map((p) => ({ person: p.person, anchors: p.anchors.length, positives: p.positives.length })),
    negatives.length,
    options.samplesPerClass,
  );
  const seeds = people.map((p) => deriveSeed(options.seed, fnv1a(p.person)));
  const anchors = people.map((p, k) => shuffled(p.anchors, deriveSeed(seeds[k]!, SALT.anchors)).slice(0, l.usedAnchors[k]));
  const positives = people.map((p, k) => shuffled(p.positives, deriveSeed(seeds[k]!, SALT.positives)).slice(0, l.usedPositives[k]));
  const chosenNegatives = shuffled(negatives, deriveSeed(options.seed, SALT.negatives)).slice(0, l.usedNegatives);

  const pairs: Pair[] = [];
  people.forEach((_, k) => {
    const mine = anchors[k]!;
    positives[k]!.forEach((b, i) => pairs.push({ a: mine[i % mine.length]!, b, label: 1 }));
  });
  chosenNegatives.forEach((b, i) => {
    const mine = anchors[i % people.length]!;
    pairs.push({ a: mine[Math.floor(i / people.length) % mine.length]!, b, label: 0 });
  });
  people.forEach((_, k) => {
    const mine = anchors[k]!;
    const others = [...positives.filter((_, j) => j !== k).flat(), ...anchors.filter((_, j) => j > k).flat()];
    const rand = createRng(deriveSeed(seeds[k]!, SALT.cross));
    // Anchor j takes part in the cross pairs i ≡ j (mod A): that many distinct others each.
    const picks = mine.map((_, j) => distinctIndices(Math.floor((l.cross[k]! - 1 - j) / mine.length) + 1, others.length, rand));
    for (let i = 0; i < l.cross[k]!; i++) {
      pairs.push({ a: mine[i % mine.length]!, b: others[picks[i % mine.length]![Math.floor(i / mine.length)]!]!, label: 0 });
    }
  });
  return splitPairs(pairs, options);
}

/** The training split in the order of epoch `epoch` (0-based): a seeded reshuffle per epoch. */
export function epochOrder(train: readonly Pair[], seed: number, epoch: number): Pair[] {
  return shuffled(train, deriveSeed(seed, epoch));
}

/** A short fingerprint of a pair split (FNV-1a), so a checkpoint can tell whether the data changed. */
export function pairsFingerprint(split: { readonly train: readonly Pair[]; readonly test: readonly Pair[] }): string {
  let h = 0x811c9dc5;
  const add = (s: string) => {
    h = fnv1a(s, h);
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
