import { describe, expect, it } from 'vitest';
import { logitOf, MAX_LOGIT, operatingPoint, type ScoreDumpEnrolment } from './operating-points';

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
    variant: 'default',
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
