import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/data/random';
import { equalErrorRate, median, ratesAt, rocAuc, rocSummary } from './metrics';

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
