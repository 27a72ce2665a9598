import { describe, expect, it } from 'vitest';
import { learningWarning } from './outcome';

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
