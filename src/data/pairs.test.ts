import { describe, expect, it } from 'vitest';
import { buildPairs, epochOrder, pairCounts, pairsFingerprint, PairsError, type Pair } from './pairs';

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
