import { describe, expect, it } from 'vitest';
import { DEFAULT_VERIFY_CONFIG } from '../config';
import { decide } from './decision';

describe('decide (the reference rule)', () => {
  it('counts scores strictly above the detection threshold and compares the share strictly', () => {
    const d = decide([0.9, 0.5, 0.51, 0.2], DEFAULT_VERIFY_CONFIG);
    expect(d).toEqual({ scores: [0.9, 0.5, 0.51, 0.2], detection: 2, n: 4, verification: 0.5, granted: false });
    expect(decide([0.9, 0.5, 0.51, 0.2], { detectionThreshold: 0.5, verificationThreshold: 0.49 }).granted).toBe(true);
    expect(decide([0.9, 0.8, 0.7], DEFAULT_VERIFY_CONFIG)).toMatchObject({ detection: 3, verification: 1, granted: true });
    expect(decide([0.1, 0.6, 0.7], { detectionThreshold: 0.65, verificationThreshold: 0.3 })).toMatchObject({
      detection: 1,
      granted: true,
    });
  });

  it('never grants with no verification images', () => {
    expect(decide([], { detectionThreshold: 0, verificationThreshold: 0 })).toEqual({
      scores: [],
      detection: 0,
      n: 0,
      verification: 0,
      granted: false,
    });
  });

  it('copies the scores', () => {
    const s = [0.7];
    const d = decide(s, DEFAULT_VERIFY_CONFIG);
    s[0] = 0;
    expect(d.scores).toEqual([0.7]);
  });
});
