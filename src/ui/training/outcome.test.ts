import { describe, expect, it } from 'vitest';
import { calibrationNote, learningWarning } from './outcome';

const epoch = (testLoss: number, accuracy: number, precision: number, recall: number) => ({ testLoss, accuracy, precision, recall });

describe('learningWarning', () => {
  it('says nothing about a run that learned, or when there is no epoch', () => {
    expect(learningWarning(undefined)).toBeNull();
    expect(learningWarning(epoch(0.21, 0.93, 0.95, 0.9))).toBeNull();
    // High loss but real separation is not a collapse.
    expect(learningWarning(epoch(0.69, 0.8, 0.8, 0.8))).toBeNull();
  });

  it('flags a collapse to 0.5: test loss ≈ ln 2 with chance accuracy', () => {
    const w = learningWarning(epoch(0.6935, 0.5, 0.5, 0.55));
    expect(w?.kind).toBe('chance');
    expect(w?.message).toMatch(/test loss 0\.694 .*ln 2.*accuracy 50%/);
    expect(learningWarning(epoch(0.75, 0.5, 0.5, 0.55))).toBeNull(); // loss away from ln 2, recall not extreme
  });

  it('flags a model that says "different" to every genuine pair, or "same" to everyone', () => {
    expect(learningWarning(epoch(0.4, 0.5, 0, 0))?.kind).toBe('all-different');
    expect(learningWarning(epoch(0.9, 0.52, 0.51, 1))?.kind).toBe('all-same');
    expect(learningWarning(epoch(0.3, 0.95, 0.91, 1))).toBeNull(); // recall 1 with real accuracy is fine
  });
});

describe('calibrationNote', () => {
  it('says what 0.5 accepts among unseen faces after calibration, or why there was none', () => {
    expect(calibrationNote(undefined)).toBeNull();
    expect(calibrationNote(null)).toBeNull();
    expect(
      calibrationNote({
        kind: 'calibrated',
        targetFar: 0.05,
        anchors: 16,
        negatives: 200,
        biasShift: -2.5,
        farBefore: 0.31,
        farAfter: 0.0497,
      }),
    ).toBe(
      'Calibrated on 200 faces that training did not use: a score above 0.5 now accepts 5.0% of their 3200 comparisons with your anchors (31.0% as trained; target 5.0%).',
    );
    expect(calibrationNote({ kind: 'skipped', reason: 'only 3 negatives were left out of training' })).toBe(
      'Not calibrated: only 3 negatives were left out of training.',
    );
  });
});
