import { describe, expect, it } from 'vitest';
import {
  buildPairs,
  buildPeoplePairs,
  epochOrder,
  pairCounts,
  pairsFingerprint,
  PairsError,
  peoplePairCounts,
  type Pair,
  type PairSplit,
  type PersonIds,
} from './pairs';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const key = (p: Pair) => `${p.a}|${p.b}|${p.label}`;
const opts = { samplesPerClass: 300, trainFraction: 0.7, seed: 42 };

describe('buildPairs', () => {
  it('makes one positive pair per positive and one negative pair per negative, split 70/30', () => {
    const { train, test } = buildPairs({ anchors: ids('a', 50), positives: ids('p', 50), negatives: ids('n', 50) }, opts);
    expect(train).toHaveLength(70);
    expect(test).toHaveLength(30);
    const all = [...train, ...test];
    expect(
      all
        .filter((p) => p.label === 1)
        .map((p) => p.b)
        .sort(),
    ).toEqual(ids('p', 50).sort());
    expect(
      all
        .filter((p) => p.label === 0)
        .map((p) => p.b)
        .sort(),
    ).toEqual(ids('n', 50).sort());
    for (const p of all) expect(p.a.startsWith('a')).toBe(true);
    // Equal counts: each anchor is used once with a positive and once with a negative (the zip).
    const anchorUses = new Map<string, number>();
    for (const p of all) anchorUses.set(p.a, (anchorUses.get(p.a) ?? 0) + 1);
    expect([...anchorUses.values()].every((n) => n === 2)).toBe(true);
    expect(anchorUses.size).toBe(50);
  });

  it('keeps train and test disjoint as pair sets (no leak)', () => {
    const { train, test } = buildPairs({ anchors: ids('a', 40), positives: ids('p', 40), negatives: ids('n', 40) }, opts);
    const trainKeys = new Set(train.map(key));
    expect(trainKeys.size).toBe(train.length);
    expect(test.filter((p) => trainKeys.has(key(p)))).toEqual([]);
    // Reshuffling the training split per epoch never brings test pairs in.
    for (let e = 0; e < 5; e++) {
      const order = epochOrder(train, 42, e);
      expect(order.map(key).sort()).toEqual([...trainKeys].sort());
    }
  });

  it('takes samplesPerClass of each class by a seeded choice', () => {
    const classes = { anchors: ids('a', 30), positives: ids('p', 30), negatives: ids('n', 30) };
    const s1 = buildPairs(classes, { ...opts, samplesPerClass: 10 });
    expect(s1.train.length + s1.test.length).toBe(20);
    expect(s1.train).toHaveLength(14);
    expect(buildPairs(classes, { ...opts, samplesPerClass: 10 })).toEqual(s1);
    const s2 = buildPairs(classes, { ...opts, samplesPerClass: 10, seed: 43 });
    const chosen = (s: typeof s1) => [...s.train, ...s.test].map((p) => p.b).sort();
    expect(chosen(s2)).not.toEqual(chosen(s1));
  });

  it('cycles the anchors when there are fewer anchors than positives or negatives', () => {
    const { train, test } = buildPairs({ anchors: ids('a', 3), positives: ids('p', 7), negatives: ids('n', 5) }, opts);
    const all = [...train, ...test];
    expect(all).toHaveLength(12);
    expect(new Set(all.filter((p) => p.label === 1).map((p) => p.b)).size).toBe(7);
    expect(new Set(all.filter((p) => p.label === 0).map((p) => p.b)).size).toBe(5);
    const uses = new Map<string, number>();
    for (const p of all.filter((q) => q.label === 1)) uses.set(p.a, (uses.get(p.a) ?? 0) + 1);
    expect([...uses.values()].sort()).toEqual([2, 2, 3]); // 7 positives over 3 anchors
    expect(pairCounts({ anchors: 3, positives: 7, negatives: 5 }, opts)).toEqual({
      used: { anchors: 3, positives: 7, negatives: 5 },
      positivePairs: 7,
      negativePairs: 5,
      train: 8,
      test: 4,
    });
    expect(train).toHaveLength(8);
  });

  it('rejects empty classes, repeated ids and splits that would be empty, naming the problem', () => {
    const ok = { anchors: ids('a', 5), positives: ids('p', 5), negatives: ids('n', 5) };
    expect(() => buildPairs({ ...ok, negatives: [] }, opts)).toThrow(/no negatives/);
    expect(() => buildPairs({ ...ok, negatives: ['a1'] }, opts)).toThrow(expect.objectContaining({ code: 'duplicate-id' }));
    expect(() => buildPairs({ anchors: ['a'], positives: ['p'], negatives: ['n'] }, { ...opts, trainFraction: 0.9 })).toThrow(PairsError);
    expect(() => buildPairs(ok, { ...opts, trainFraction: 1 })).toThrow(/trainFraction 1/);
  });
});

describe('epochOrder and fingerprint', () => {
  it('reshuffles per epoch, repeatably', () => {
    const { train } = buildPairs({ anchors: ids('a', 20), positives: ids('p', 20), negatives: ids('n', 20) }, opts);
    expect(epochOrder(train, 1, 3)).toEqual(epochOrder(train, 1, 3));
    expect(epochOrder(train, 1, 3)).not.toEqual(epochOrder(train, 1, 4));
  });

  it('changes when the pairs change', () => {
    const split = buildPairs({ anchors: ids('a', 20), positives: ids('p', 20), negatives: ids('n', 20) }, opts);
    const f = pairsFingerprint(split);
    expect(pairsFingerprint(buildPairs({ anchors: ids('a', 20), positives: ids('p', 20), negatives: ids('n', 20) }, opts))).toBe(f);
    expect(pairsFingerprint({ train: split.train, test: split.test.slice(1) })).not.toBe(f);
    expect(pairsFingerprint({ train: split.test, test: split.train })).not.toBe(f);
  });
});

describe('buildPeoplePairs', () => {
  const person = (name: string, anchors: number, positives: number): PersonIds => ({
    person: name,
    anchors: ids(`${name}-a`, anchors),
    positives: ids(`${name}-p`, positives),
  });
  const all = (s: PairSplit) => [...s.train, ...s.test];
  /** Whose sample an id is (null: a negative). */
  const ownerIn = (people: readonly PersonIds[]) => {
    const owner = new Map<string, string>();
    for (const p of people) for (const id of [...p.anchors, ...p.positives]) owner.set(id, p.person);
    return (id: string) => owner.get(id) ?? null;
  };

  it('is buildPairs with one person, for several seeds and class sizes', () => {
    for (const [a, p, n, perClass] of [
      [50, 50, 50, 300],
      [3, 7, 5, 300],
      [30, 20, 90, 10],
      [12, 12, 80, 12],
    ] as const) {
      for (const seed of [1, 42, 2024]) {
        const o = { ...opts, samplesPerClass: perClass, seed };
        const one = person('me', a, p);
        const negatives = ids('n', n);
        expect(buildPeoplePairs([one], negatives, o)).toEqual(buildPairs({ anchors: one.anchors, positives: one.positives, negatives }, o));
        expect(peoplePairCounts([{ person: 'me', anchors: a, positives: p }], n, o)).toMatchObject(
          pairCounts({ anchors: a, positives: p, negatives: n }, o),
        );
      }
    }
  });

  it("makes each person's positive pairs, spreads the negatives over everyone and adds cross-person negatives", () => {
    const people = [person('ann', 20, 20), person('bob', 10, 15), person('cy', 8, 6)];
    const negatives = ids('n', 60);
    const split = buildPeoplePairs(people, negatives, opts);
    const pairs = all(split);
    const owner = ownerIn(people);
    const positives = pairs.filter((p) => p.label === 1);
    const bundled = pairs.filter((p) => p.label === 0 && owner(p.b) === null);
    const cross = pairs.filter((p) => p.label === 0 && owner(p.b) !== null);
    // Positive pairs: each positive once, with an anchor of the same person; never across people.
    expect(positives.map((p) => p.b).sort()).toEqual(people.flatMap((p) => p.positives).sort());
    for (const p of positives) expect([owner(p.a), people.find((q) => q.anchors.includes(p.a))?.person]).toEqual([owner(p.b), owner(p.b)]);
    // Each bundled negative once, 20 per person, on that person's anchors.
    expect(bundled.map((p) => p.b).sort()).toEqual([...negatives].sort());
    for (const who of ['ann', 'bob', 'cy']) expect(bundled.filter((p) => owner(p.a) === who)).toHaveLength(20);
    // Cross pairs: an anchor of one person with an anchor or positive of another, as many as their positive pairs.
    for (const p of cross) {
      expect(people.some((q) => q.anchors.includes(p.a))).toBe(true);
      expect(owner(p.a)).not.toBe(owner(p.b));
    }
    expect(['ann', 'bob', 'cy'].map((who) => cross.filter((p) => owner(p.a) === who).length)).toEqual([20, 15, 6]);
    // No same-person negative, no two pairs of the same two samples (either way round).
    expect(pairs.filter((p) => p.label === 0 && owner(p.a) === owner(p.b))).toEqual([]);
    const unordered = pairs.map((p) => [p.a, p.b].sort().join('|'));
    expect(new Set(unordered).size).toBe(pairs.length);
    // The counts without building them agree, and the split is 70/30.
    const counts = peoplePairCounts(
      people.map((p) => ({ person: p.person, anchors: p.anchors.length, positives: p.positives.length })),
      negatives.length,
      opts,
    );
    expect(counts).toMatchObject({
      used: { anchors: 38, positives: 41, negatives: 60 },
      positivePairs: 41,
      negativePairs: 60 + 41,
      crossPairs: 41,
      train: split.train.length,
      test: split.test.length,
    });
    expect(split.train).toHaveLength(Math.round(142 * 0.7));
    expect(counts.people.map((c) => [c.person, c.positivePairs, c.negativePairs, c.crossPairs])).toEqual([
      ['ann', 20, 20, 20],
      ['bob', 15, 20, 15],
      ['cy', 6, 20, 6],
    ]);
  });

  it('caps each class at samplesPerClass per person, and cross pairs by the distinct candidates', () => {
    const people = [person('ann', 40, 40), person('bob', 40, 40)];
    const o = { ...opts, samplesPerClass: 10 };
    const pairs = all(buildPeoplePairs(people, ids('n', 50), o));
    const owner = ownerIn(people);
    for (const who of ['ann', 'bob']) {
      const mine = pairs.filter((p) => owner(p.a) === who);
      expect(new Set(mine.map((p) => p.a)).size).toBeLessThanOrEqual(10);
      expect(mine.filter((p) => p.label === 1)).toHaveLength(10);
      expect(mine.filter((p) => p.label === 0 && owner(p.b) !== null)).toHaveLength(10);
    }
    expect(new Set(pairs.filter((p) => owner(p.b) === null).map((p) => p.b)).size).toBe(10);
    // Bob, last, may only meet Ann's one positive with his one anchor: one cross pair, not three.
    const tiny = [person('ann', 1, 1), person('bob', 1, 3)];
    const tinyPairs = all(buildPeoplePairs(tiny, ids('n', 6), opts));
    const tinyOwner = ownerIn(tiny);
    expect(tinyPairs.filter((p) => p.label === 0 && tinyOwner(p.a) === 'bob' && tinyOwner(p.b) !== null)).toEqual([
      { a: 'bob-a0', b: 'ann-p0', label: 0 },
    ]);
    const counts = peoplePairCounts(
      [
        { person: 'ann', anchors: 1, positives: 1 },
        { person: 'bob', anchors: 1, positives: 3 },
      ],
      6,
      opts,
    );
    expect(counts.train + counts.test).toBe(tinyPairs.length);
    expect(counts.people.map((c) => c.crossPairs)).toEqual([1, 1]);
  });

  it('is repeatable by seed and changes with it', () => {
    const people = [person('ann', 15, 15), person('bob', 15, 15)];
    const negatives = ids('n', 30);
    const s1 = buildPeoplePairs(people, negatives, opts);
    expect(buildPeoplePairs(people, negatives, opts)).toEqual(s1);
    const s2 = buildPeoplePairs(people, negatives, { ...opts, seed: 43 });
    expect(s2).not.toEqual(s1);
    const crossOf = (s: PairSplit) =>
      all(s)
        .filter((p) => p.label === 0 && !p.b.startsWith('n'))
        .map(key)
        .sort();
    expect(crossOf(s2)).not.toEqual(crossOf(s1));
    // Train and test stay disjoint.
    const trainKeys = new Set(s1.train.map(key));
    expect(s1.test.filter((p) => trainKeys.has(key(p)))).toEqual([]);
  });

  it('refuses a person without anchors or positives (naming them), shared ids, no negatives and empty splits', () => {
    const ok = [person('ann', 5, 5), person('bob', 5, 5)];
    const negatives = ids('n', 5);
    expect(() => buildPeoplePairs([ok[0]!, { ...ok[1]!, anchors: [] }], negatives, opts)).toThrow(
      expect.objectContaining({ code: 'empty-class', person: 'bob', message: expect.stringMatching(/"bob" has no anchors/) }),
    );
    expect(() => buildPeoplePairs([{ ...ok[0]!, positives: [] }, ok[1]!], negatives, opts)).toThrow(
      expect.objectContaining({ code: 'empty-class', person: 'ann', message: expect.stringMatching(/"ann" has no positives/) }),
    );
    expect(() => buildPeoplePairs(ok, [], opts)).toThrow(/no negatives/);
    expect(() => buildPeoplePairs([ok[0]!, { ...ok[1]!, positives: ['ann-a1'] }], negatives, opts)).toThrow(
      expect.objectContaining({ code: 'duplicate-id', message: expect.stringMatching(/ann-a1.*anchors of "ann".*positives of "bob"/) }),
    );
    expect(() => buildPeoplePairs(ok, ['bob-p2'], opts)).toThrow(expect.objectContaining({ code: 'duplicate-id' }));
    expect(() => buildPeoplePairs([ok[0]!, { ...ok[1]!, person: 'ann' }], negatives, opts)).toThrow(/"ann" is listed twice/);
    expect(() => buildPeoplePairs([person('ann', 1, 1), person('bob', 1, 1)], ['n'], { ...opts, trainFraction: 0.99 })).toThrow(
      expect.objectContaining({ code: 'too-few-pairs' }),
    );
    expect(() => buildPeoplePairs([], negatives, opts)).toThrow(/no anchors/);
    expect(() => peoplePairCounts([{ person: 'ann', anchors: 5, positives: 5 }], 5, { ...opts, samplesPerClass: 0 })).toThrow(PairsError);
  });
});
