import { describe, expect, it } from 'vitest';
import { MAX_PAUSE_MS, pauseAfterFrame } from './pacing';

describe('pauseAfterFrame', () => {
  it('leaves the page a third of the main thread by default', () => {
    // 400 ms of verification, then 200 ms for the page: 1/3 of 600 ms.
    expect(pauseAfterFrame(400)).toBe(200);
    expect(pauseAfterFrame(6)).toBe(3);
  });

  it('follows the requested share', () => {
    expect(pauseAfterFrame(300, 0.5)).toBe(300);
    expect(pauseAfterFrame(300, 0.25)).toBe(100);
  });

  it('is capped for very slow frames and zero for nonsense', () => {
    expect(pauseAfterFrame(60_000)).toBe(MAX_PAUSE_MS);
    expect(pauseAfterFrame(0)).toBe(0);
    expect(pauseAfterFrame(Number.NaN)).toBe(0);
    expect(pauseAfterFrame(100, 1)).toBe(0);
  });
});
