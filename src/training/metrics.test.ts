import { describe, expect, it } from 'vitest';
import { binaryMetrics } from './metrics';

describe('binaryMetrics', () => {
  it('counts a score strictly above the threshold as a predicted positive', () => {
    const m = binaryMetrics([0.9, 0.5, 0.7, 0.2, 0.6, 0.1], [1, 1, 0, 0, 1, 1]);
    expect(m).toMatchObject({ tp: 2, fp: 1, tn: 1, fn: 2 });
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(0.5, 12);
    expect(m.accuracy).toBeCloseTo(0.5, 12);
  });

  it('gives 0 (not NaN) when precision or recall is undefined', () => {
    expect(binaryMetrics([0.1, 0.2], [0, 0])).toMatchObject({ precision: 0, recall: 0, accuracy: 1 });
    expect(binaryMetrics([], [])).toMatchObject({ precision: 0, recall: 0, accuracy: 0 });
    expect(() => binaryMetrics([0.1], [])).toThrow(/1 scores for 0 labels/);
  });
});
