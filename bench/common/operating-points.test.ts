import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/data';
import { ratesAt } from '../../tools/common';
import { checkGoals, farAtFrr, frrAtFar, logitOf, MAX_LOGIT, operatingPoint, type ScoreDumpEnrolment } from './operating-points';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const attempt = (logits: number[], noFace = false) => ({ person: 'P', file: 'f.jpg', noFace, scores: logits.map(sigmoid) });

describe('logitOf', () => {
  it('inverts the sigmoid and clamps saturated scores', () => {
    for (const z of [-12, -1.5, 0, 0.25, 7]) expect(logitOf(sigmoid(z))).toBeCloseTo(z, 9);
    expect(logitOf(0)).toBe(-MAX_LOGIT);
    expect(logitOf(1)).toBe(MAX_LOGIT);
  });
});

describe('operatingPoint', () => {
  // Cohort logits 0..19: a 10 % target keeps 2 above → threshold 17.5; 25 % → floor(5) above → 14.5.
  const cohort = Array.from({ length: 20 }, (_, i) => i);
  const enrolment = (condition: 'plain' | 'sameCamera', biasShift: number): ScoreDumpEnrolment => ({
    target: 'T',
    variant: 'koch-default',
    condition,
    biasShift,
    cohortLogits: cohort,
    // Scores as the variant verified: after its own shift.
    genuine: [
      attempt([18 + biasShift, 19 + biasShift, 1 + biasShift]),
      attempt([16 + biasShift, 15 + biasShift, 0.5 + biasShift]),
      attempt([], true),
    ],
    impostor: [attempt([15 + biasShift, 1 + biasShift, 2 + biasShift]), attempt([-3 + biasShift, -2 + biasShift, -1 + biasShift])],
  });

  it("thresholds the logits as trained at each enrolment's cohort quantile and decides by the app's rule", () => {
    const e = [enrolment('plain', -4), enrolment('sameCamera', 0)];
    const asTrained = operatingPoint(e, 'plain', null);
    // As trained (threshold 0): genuine fractions 1, 1, 0 (no face); impostor 1, 0.
    expect(asTrained).toMatchObject({ frr: 1 / 3, far: 1 / 2, thresholds: [0] });
    const strict = operatingPoint(e, 'plain', 0.1);
    // Threshold 17.5: genuine 2/3, 0, 0; impostor 0, 0.
    expect(strict).toMatchObject({ target: 0.1, frr: 2 / 3, far: 0, thresholds: [17.5] });
    const middle = operatingPoint(e, 'plain', 0.25);
    // Threshold 14.5: genuine 2/3, 2/3, 0; impostor 1/3, 0.
    expect(middle).toMatchObject({ frr: 1 / 3, far: 0, thresholds: [14.5] });
    // The dump's own shift is undone: the same model dumped uncalibrated gives the same points.
    expect(operatingPoint(e, 'sameCamera', 0.25)).toMatchObject({ frr: middle.frr, far: middle.far, eer: middle.eer, auc: middle.auc });
  });

  it('refuses a condition with no enrolment and an enrolment without a cohort', () => {
    expect(() => operatingPoint([enrolment('plain', 0)], 'sameCamera', 0.05)).toThrow(/no enrolment in the sameCamera/);
    expect(() => operatingPoint([{ ...enrolment('plain', 0), cohortLogits: null }], 'plain', 0.05)).toThrow(/no cohort logits/);
  });
});

describe('frrAtFar and farAtFrr', () => {
  // Verification fractions as the protocol gives them: k / 20, with many ties and saturated values.
  const draw = (seed: number, n: number, bias: number) => {
    const rng = createRng(seed);
    return Array.from({ length: n }, () => Math.round(20 * Math.min(1, Math.max(0, rng() + bias))) / 20);
  };

  it('find the best threshold meeting the bound, as a search over every threshold does (seeded)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const genuine = draw(seed, 60, 0.45);
      const impostor = draw(seed + 100, 400, -0.55);
      const candidates = [-Infinity, ...new Set([...genuine, ...impostor])].map((t) => ({ t, ...ratesAt(genuine, impostor, t) }));
      for (const maxFar of [0, 0.005, 0.05, 0.2]) {
        const best = Math.min(...candidates.filter((c) => c.far <= maxFar).map((c) => c.frr));
        const p = frrAtFar(genuine, impostor, maxFar);
        expect(p.frr).toBe(best);
        expect(p.far).toBeLessThanOrEqual(maxFar);
        expect(ratesAt(genuine, impostor, p.threshold)).toEqual({ frr: p.frr, far: p.far });
      }
      for (const maxFrr of [0, 0.05, 0.3]) {
        const best = Math.min(...candidates.filter((c) => c.frr <= maxFrr).map((c) => c.far));
        const p = farAtFrr(genuine, impostor, maxFrr);
        expect(p.far).toBe(best);
        expect(p.frr).toBeLessThanOrEqual(maxFrr);
        expect(ratesAt(genuine, impostor, p.threshold)).toEqual({ frr: p.frr, far: p.far });
      }
    }
  });

  it('handle the ends: separable scores, nothing to grant, everything granted', () => {
    expect(frrAtFar([0.9, 1], [0, 0.1], 0)).toEqual({ frr: 0, far: 0, threshold: 0.1 });
    expect(farAtFrr([0.9, 1], [0, 0.1], 0)).toEqual({ frr: 0, far: 0, threshold: 0.1 });
    // Impostors above every genuine: FAR 0 only by granting nobody.
    expect(frrAtFar([0, 0.2], [0.5, 1], 0)).toEqual({ frr: 1, far: 0, threshold: 1 });
    // FRR 0 only by granting everybody.
    expect(farAtFrr([0, 0.2], [0.5, 1], 0)).toEqual({ frr: 0, far: 1, threshold: -Infinity });
    expect(() => frrAtFar([], [0.1], 0.1)).toThrow(/need genuine and impostor/);
  });
});

describe('checkGoals', () => {
  it("checks issue #18's three goals, each met when at or under its bound", () => {
    const plain = { eer: 0.01, frrAtFar: { frr: 0.031, far: 0.004, threshold: 0.5 } };
    const checks = checkGoals(plain, { farAtFrr: { frr: 0.05, far: 0.005, threshold: 0.2 } });
    expect(checks.map((c) => [c.condition, c.value, c.goal, c.met])).toEqual([
      ['plain', 0.01, 0.01, true],
      ['plain', 0.031, 0.03, false],
      ['sameCamera', 0.005, 0.005, true],
    ]);
    expect(checkGoals(plain, null)).toHaveLength(2);
  });
});
