import { describe, expect, it } from 'vitest';
import { countPeople, minPerClass, splitSizes, trainingReadiness } from './readiness';

describe('minPerClass', () => {
  it('gives one full test batch with the reference settings (16, 70/30)', () => {
    const n = minPerClass(16, 0.7);
    const even = (k: number) => ({ anchor: k, positive: k, negative: k });
    expect(splitSizes(even(n), n, 0.7).test).toBeGreaterThanOrEqual(16);
    expect(splitSizes(even(n - 1), n - 1, 0.7).test).toBeLessThan(16);
    expect(n).toBe(26);
  });

  it('is small for the e2e budget (batch 4)', () => {
    expect(minPerClass(4, 0.7)).toBe(6);
    expect(splitSizes({ anchor: 8, positive: 8, negative: 8 }, 8, 0.7)).toEqual({ train: 11, test: 5 });
  });

  it('keeps one training pair even with a tiny training share', () => {
    const n = minPerClass(1, 0.01);
    expect(splitSizes({ anchor: n, positive: n, negative: n }, n, 0.01).train).toBeGreaterThanOrEqual(1);
  });
});

describe('trainingReadiness', () => {
  const base = { samplesPerClass: 300, batchSize: 16, trainFraction: 0.7 };

  it('says exactly what is missing', () => {
    const r = trainingReadiness({ ...base, counts: { anchor: 30, positive: 24, negative: 0 } });
    expect(r.ready).toBe(false);
    expect(r.shortfalls).toEqual([
      { kind: 'positive', more: 2 },
      { kind: 'negative', more: 26 },
    ]);
    expect(r.messages).toEqual(['Capture at least 2 more positives.', 'Import at least 26 more negatives.']);
    expect(r.perClass).toBe(0);
  });

  it('uses the singular for one', () => {
    const r = trainingReadiness({ ...base, counts: { anchor: 25, positive: 26, negative: 26 } });
    expect(r.messages).toEqual(['Capture at least 1 more anchor.']);
  });

  it('is ready with enough of each and caps samples per class by the smallest store', () => {
    const r = trainingReadiness({ ...base, counts: { anchor: 120, positive: 80, negative: 500 } });
    expect(r.ready).toBe(true);
    expect(r.perClass).toBe(80);
    // 80 positive pairs + 300 negative pairs (samples per class caps the 500 negatives), as buildPairs makes them.
    expect(r.trainPairs + r.testPairs).toBe(380);
    expect(r.testPairs).toBe(114);
    expect(r.messages).toEqual([]);
  });

  it('flags a samples-per-class setting too small for one test batch', () => {
    const r = trainingReadiness({ ...base, samplesPerClass: 10, counts: { anchor: 100, positive: 100, negative: 100 } });
    expect(r.ready).toBe(false);
    expect(r.settingTooSmall).toBe(true);
    expect(r.shortfalls).toEqual([]);
    expect(r.messages[0]).toMatch(/Samples per class 10 gives 6 test pairs.*at least 26/);
  });
});

describe('with several people', () => {
  const base = { samplesPerClass: 300, batchSize: 16, trainFraction: 0.7 };

  it("lists each person with anchors or positives in the people's order, then other owners; verification images do not count", () => {
    const counts = new Map([
      ['me', { anchor: 1, positive: 0, verification: 3 }],
      ['p-bob', { anchor: 1, positive: 2, verification: 1 }],
      ['p-gone', { anchor: 0, positive: 1, verification: 0 }],
      ['p-only-v', { anchor: 0, positive: 0, verification: 2 }],
    ]);
    expect(
      countPeople(counts, [
        { id: 'p-bob', name: 'Bob' },
        { id: 'me', name: 'Me' },
      ]),
    ).toEqual([
      { person: 'p-bob', name: 'Bob', anchor: 1, positive: 2 },
      { person: 'me', name: 'Me', anchor: 1, positive: 0 },
      { person: 'p-gone', anchor: 0, positive: 1 },
    ]);
    expect(countPeople(new Map())).toEqual([]);
  });

  it('counts the pairs as the session makes them, cross-person pairs included; one person counts as before', () => {
    const people = [
      { person: 'me', anchor: 40, positive: 30 },
      { person: 'p-bob', anchor: 30, positive: 30 },
    ];
    const counts = { anchor: 70, positive: 60, negative: 500 };
    const r = trainingReadiness({ ...base, counts, people });
    expect(r.ready).toBe(true);
    // 60 positive pairs, 300 negative pairs (samples per class caps the 500), 60 cross-person pairs.
    expect(r.trainPairs + r.testPairs).toBe(420);
    expect(splitSizes(counts, 300, 0.7, people)).toEqual({ train: 294, test: 126 });
    expect(r.perClass).toBe(30);
    const alone = trainingReadiness({ ...base, counts, people: [{ person: 'me', anchor: 70, positive: 60 }] });
    expect(alone).toEqual(trainingReadiness({ ...base, counts }));
  });

  it('is not ready while a person has anchors but no positives (or the other way round), naming them', () => {
    const r = trainingReadiness({
      ...base,
      counts: { anchor: 60, positive: 40, negative: 100 },
      people: [
        { person: 'me', name: 'Me', anchor: 30, positive: 40 },
        { person: 'p-bob', name: 'Bob', anchor: 30, positive: 0 },
      ],
    });
    expect(r.ready).toBe(false);
    expect(r.shortfalls).toEqual([]);
    expect(r.messages).toEqual(['Capture positives of Bob too (they have none), or delete their samples.']);
  });
});
