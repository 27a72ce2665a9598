import { describe, expect, it } from 'vitest';
import { estimateEta, formatDuration, globalStep, type StepMark } from './eta';

const marksAt = (times: number[], firstStep = 1): StepMark[] => times.map((t, i) => ({ step: firstStep + i, t }));

describe('estimateEta', () => {
  it('has no estimate before two steps are done', () => {
    expect(estimateEta({ marks: [], totalSteps: 10 })).toBeNull();
    expect(estimateEta({ marks: marksAt([5000]), totalSteps: 10 })).toBeNull();
  });

  it('excludes the slow first step (warm-up) and multiplies by the steps left', () => {
    // Step 1 finished at 10 s (compilation); then one step per 2 s.
    const eta = estimateEta({ marks: marksAt([10_000, 12_000, 14_000, 16_000]), totalSteps: 10 });
    expect(eta).toEqual({ msPerStep: 2000, remainingMs: 6 * 2000 });
  });

  it('counts the per-epoch evaluation pause in proportion', () => {
    // 3 steps per epoch, 1 s each, then a 3 s evaluation before the next epoch's first step.
    const marks = marksAt([1000, 2000, 3000, 7000, 8000, 9000, 13_000]);
    const eta = estimateEta({ marks, totalSteps: 9 })!;
    expect(eta.msPerStep).toBeCloseTo(2000);
    expect(eta.remainingMs).toBeCloseTo(4000);
  });

  it('follows recent speed (sliding window)', () => {
    const slowThenFast = [...marksAt([0, 10_000, 20_000]), ...marksAt([21_000, 22_000, 23_000], 4)];
    const eta = estimateEta({ marks: slowThenFast, totalSteps: 16, window: 3 })!;
    expect(eta.msPerStep).toBeCloseTo(1000);
    expect(eta.remainingMs).toBeCloseTo(10_000);
  });

  it('works across a resume (marks start at a later step)', () => {
    const eta = estimateEta({ marks: marksAt([500, 1500, 2500], 41), totalSteps: 50 })!;
    expect(eta.msPerStep).toBe(1000);
    expect(eta.remainingMs).toBe(7000);
  });

  it('is zero when the last step is done', () => {
    expect(estimateEta({ marks: marksAt([0, 100, 200]), totalSteps: 3 })!.remainingMs).toBe(0);
  });
});

describe('formatDuration', () => {
  it('rounds to what an estimate deserves', () => {
    expect(formatDuration(400)).toBe('less than a second');
    expect(formatDuration(44_600)).toBe('about 45 s');
    expect(formatDuration(120_000)).toBe('about 2 min');
    expect(formatDuration(200_000)).toBe('about 3 min 20 s');
    expect(formatDuration(25 * 60_000 + 40_000)).toBe('about 26 min');
    expect(formatDuration(3_600_000 + 30 * 60_000)).toBe('about 1 h 30 min');
    expect(formatDuration(Number.NaN)).toBe('unknown');
  });
});

describe('globalStep', () => {
  it('numbers steps across epochs from 1', () => {
    expect(globalStep(0, 0, 5)).toBe(1);
    expect(globalStep(2, 4, 5)).toBe(15);
  });
});
