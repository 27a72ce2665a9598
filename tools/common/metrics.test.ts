import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/data';
import { accuracyAt, bestAccuracyThreshold, equalErrorRate, kFoldAccuracy, median, ratesAt, rocAuc, rocSummary } from './metrics';

/** AUC by definition: every genuine/impostor pair, ties one half. */
function bruteAuc(g: readonly number[], i: readonly number[]): number {
  let sum = 0;
  for (const a of g) for (const b of i) sum += a > b ? 1 : a === b ? 0.5 : 0;
  return sum / (g.length * i.length);
}

describe('ratesAt', () => {
  it('denies genuine scores at or below the threshold and grants impostor scores above it (strict, as the decision rule)', () => {
    expect(ratesAt([0.5, 0.6, 0.4, 0.9], [0.5, 0.7], 0.5)).toEqual({ frr: 0.5, far: 0.5 });
  });
  it('refuses empty score sets', () => {
    expect(() => ratesAt([], [1], 0)).toThrow(/genuine and impostor/);
  });
});

describe('rocAuc', () => {
  it('is 1 for perfect separation, 0 for reversed, 0.5 when everything ties', () => {
    expect(rocAuc([0.9, 0.8], [0.1, 0.2])).toBe(1);
    expect(rocAuc([0.1, 0.2], [0.9, 0.8])).toBe(0);
    expect(rocAuc([0.3, 0.3], [0.3, 0.3, 0.3])).toBe(0.5);
  });
  it('counts ties one half', () => {
    expect(rocAuc([0.8, 0.6], [0.7, 0.2])).toBe(0.75);
    expect(rocAuc([0.5], [0.5, 0.1])).toBe(0.75);
  });
  it('equals the pairwise definition on seeded random scores with many ties', () => {
    const rand = createRng(7);
    const g = Array.from({ length: 57 }, () => Math.round(rand() * 10) / 10 + 0.1);
    const i = Array.from({ length: 83 }, () => Math.round(rand() * 10) / 10);
    expect(rocAuc(g, i)).toBeCloseTo(bruteAuc(g, i), 12);
  });
});

describe('equalErrorRate', () => {
  it('is 0 when the scores separate, with a threshold between the classes', () => {
    const r = equalErrorRate([0.9, 0.8], [0.1, 0.2]);
    expect(r.eer).toBe(0);
    expect(r.threshold).toBeGreaterThanOrEqual(0.2);
    expect(r.threshold).toBeLessThan(0.8);
  });
  it('finds an exact crossing', () => {
    expect(equalErrorRate([0.9, 0.8, 0.3], [0.7, 0.2, 0.1])).toEqual({ eer: 1 / 3, threshold: 0.3 });
  });
  it('interpolates between the bracketing thresholds: 0.5 when every score is equal', () => {
    expect(equalErrorRate([0.5, 0.5], [0.5, 0.5]).eer).toBe(0.5);
    // (FRR, FAR) at t = 0.3: (1/2, 2/3); at t = 0.5: (1/2, 1/3): they cross halfway, at 1/2, t = 0.4.
    const r = equalErrorRate([0.3, 0.9], [0.1, 0.5, 0.6]);
    expect(r.eer).toBeCloseTo(0.5, 12);
    expect(r.threshold).toBeCloseTo(0.4, 12);
  });
  it('lies between FRR and FAR of the thresholds around it on random scores', () => {
    const rand = createRng(11);
    const g = Array.from({ length: 40 }, () => rand() * 0.8 + 0.2);
    const i = Array.from({ length: 60 }, () => rand() * 0.8);
    const { eer, threshold } = equalErrorRate(g, i);
    const below = ratesAt(g, i, threshold - 1e-9);
    const above = ratesAt(g, i, threshold + 1e-9);
    expect(eer).toBeGreaterThan(0);
    expect(eer).toBeLessThan(0.5);
    expect(Math.min(below.frr, above.far)).toBeLessThanOrEqual(eer + 1e-12);
    expect(Math.max(below.far, above.frr) + 1e-12).toBeGreaterThanOrEqual(eer);
  });
});

describe('rocSummary and median', () => {
  it('combines rates at a threshold with EER and AUC', () => {
    const s = rocSummary([0.9, 0.8, 0.3], [0.7, 0.2, 0.1], 0.5);
    expect(s).toEqual({ frr: 1 / 3, far: 1 / 3, eer: 1 / 3, eerThreshold: 0.3, auc: 8 / 9 });
  });
  it('median of odd, even and empty lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

/** Best accuracy by definition: every candidate threshold (each score, and below all), counted directly. */
function bruteBest(g: readonly number[], i: readonly number[]): number {
  const cands = [Math.min(...g, ...i) - 1, ...g, ...i];
  return Math.max(...cands.map((t) => accuracyAt(g, i, t)));
}

describe('accuracyAt', () => {
  it('counts genuine above and impostor at or below the threshold as right', () => {
    // genuine 0.9 right, 0.5 wrong (not above); impostor 0.5 right, 0.7 wrong
    expect(accuracyAt([0.9, 0.5], [0.5, 0.7], 0.5)).toBe(0.5);
    expect(accuracyAt([0.9], [], 0.5)).toBe(1);
    expect(() => accuracyAt([], [], 0)).toThrow(/no scores/);
  });
});

describe('bestAccuracyThreshold', () => {
  it('separates separable scores at the midpoint of the gap', () => {
    const r = bestAccuracyThreshold([0.9, 0.8], [0.1, 0.4]);
    expect(r.accuracy).toBe(1);
    expect(r.threshold).toBeCloseTo(0.6, 12);
  });
  it('can put the threshold below every score or above every score', () => {
    // every pair genuine: grant all
    const all = bestAccuracyThreshold([0.3, 0.7], []);
    expect(all.accuracy).toBe(1);
    expect(all.threshold).toBeLessThan(0.3);
    // genuine scores lower than impostors: best is to deny all (2 of 3 right)
    const none = bestAccuracyThreshold([0.1], [0.5, 0.9]);
    expect(none.accuracy).toBeCloseTo(2 / 3, 12);
    expect(none.threshold).toBeGreaterThan(0.9);
  });
  it('treats tied scores together and takes the lowest of equally good thresholds', () => {
    // t in (0.2, 0.5) or above 0.5 both give 3/4; the lowest, 0.35, wins
    const r = bestAccuracyThreshold([0.5, 0.5], [0.5, 0.2]);
    expect(r.accuracy).toBe(0.75);
    expect(r.threshold).toBeCloseTo(0.35, 12);
  });
  it('keeps scores one ulp apart on the right sides of the threshold', () => {
    // b = the next double above a: their midpoint rounds to a or to b (ties to even), so both happen here
    const next = (a: number) => {
      const v = new Float64Array([a]);
      new BigInt64Array(v.buffer)[0]! += 1n;
      return v[0]!;
    };
    for (const a of [0.65, 0.1, 0.3, 1.7, 2.9, 3.3]) {
      const b = next(a);
      expect(b).toBeGreaterThan(a);
      const r = bestAccuracyThreshold([b], [a]);
      expect(r.accuracy).toBe(1);
      expect(accuracyAt([b], [a], r.threshold)).toBe(1);
    }
  });
  it('reaches the brute-force best on seeded random scores (many ties and near-ties), and its threshold achieves it', () => {
    const rand = createRng(5);
    for (let trial = 0; trial < 20; trial++) {
      const g = Array.from({ length: 5 + trial }, () => Math.round(rand() * 20) / 20 + 0.2);
      const i = Array.from({ length: 30 - trial }, () => Math.round(rand() * 20) / 20);
      const best = bestAccuracyThreshold(g, i);
      expect(best.accuracy).toBeCloseTo(bruteBest(g, i), 12);
      expect(accuracyAt(g, i, best.threshold)).toBeCloseTo(best.accuracy, 12);
    }
  });
});

describe('kFoldAccuracy', () => {
  it('deals each class round the folds and fits every fold on the others', () => {
    // 2 folds. genuine: fold 0 gets 0.9, 0.2; fold 1 gets 0.8. impostor: fold 0 gets 0.1, fold 1 gets 0.3.
    // Fold 0 fitted on {0.8 | 0.3} → t 0.55: 0.9 right, 0.2 wrong, 0.1 right → 2/3.
    // Fold 1 fitted on {0.9, 0.2 | 0.1} → t 0.15: 0.8 right, 0.3 wrong → 1/2.
    const r = kFoldAccuracy([0.9, 0.8, 0.2], [0.1, 0.3], 2);
    expect(r.thresholds[0]).toBeCloseTo(0.55, 12);
    expect(r.thresholds[1]).toBeCloseTo(0.15, 12);
    expect(r.foldAccuracies).toEqual([2 / 3, 1 / 2]);
    expect(r.accuracy).toBeCloseTo(3 / 5, 12);
    expect(r.std).toBeCloseTo(1 / 12, 12);
  });
  it('is perfect on separable scores and skips empty folds', () => {
    const r = kFoldAccuracy([0.9, 0.8, 0.7], [0.1, 0.2], 10);
    expect(r.accuracy).toBe(1);
    expect(r.foldAccuracies).toHaveLength(3);
  });
  it('is below the best single threshold fitted on all pairs (no peeking) on noisy scores', () => {
    const rand = createRng(3);
    const g = Array.from({ length: 200 }, () => rand() + 0.3);
    const i = Array.from({ length: 200 }, () => rand());
    const cv = kFoldAccuracy(g, i, 10);
    expect(cv.accuracy).toBeLessThanOrEqual(bestAccuracyThreshold(g, i).accuracy);
    expect(cv.accuracy).toBeGreaterThan(0.55);
    expect(cv.thresholds).toHaveLength(10);
  });
  it('refuses k < 2 and fewer than 2 pairs', () => {
    expect(() => kFoldAccuracy([1], [0], 1)).toThrow(/k must be/);
    expect(() => kFoldAccuracy([1], [], 10)).toThrow(/at least 2 pairs/);
  });
});
