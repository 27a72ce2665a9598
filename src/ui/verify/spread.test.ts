import { describe, expect, it } from 'vitest';
import { MIN_IMAGES_FOR_ADVICE, mostInOneWindow, SAME_MOMENT_MS, spreadAdvice } from './spread';

const webcam = (createdAt: number) => ({ source: 'webcam' as const, createdAt });

describe('mostInOneWindow', () => {
  it('counts the densest window, edges included, whatever the order', () => {
    expect(mostInOneWindow([], 1000)).toBe(0);
    expect(mostInOneWindow([5], 1000)).toBe(1);
    expect(mostInOneWindow([0, 5000, 1000, 2000, 9000], 1000)).toBe(2);
    expect(mostInOneWindow([3000, 0, 1000, 2000], 3000)).toBe(4);
    expect(mostInOneWindow([0, 2999, 3001, 6000], 3000)).toBe(2);
  });

  it('rejects a negative or NaN window', () => {
    expect(() => mostInOneWindow([1], -1)).toThrow(/-1/);
    expect(() => mostInOneWindow([1], Number.NaN)).toThrow(/NaN/);
  });
});

describe('spreadAdvice', () => {
  it('advises when most camera captures come from one moment (held v key: four a second)', () => {
    const held = Array.from({ length: 8 }, (_, i) => webcam(10_000 + i * 250));
    expect(spreadAdvice(held, 0.5)).toEqual({ sameMoment: 8, total: 8 });
  });

  it('is quiet for captures spread over time, as the journey takes them (every 2.25 s)', () => {
    const spread = Array.from({ length: 8 }, (_, i) => webcam(i * 2_250));
    expect(spreadAdvice(spread, 0.5)).toBeNull();
  });

  it('compares the one moment with the verification threshold: more than the share that grants', () => {
    // 4 of 8 from one moment: exactly half, which cannot decide a vote that needs more than half.
    const half = [...[0, 100, 200, 300].map(webcam), ...[10_000, 20_000, 30_000, 40_000].map(webcam)];
    expect(spreadAdvice(half, 0.5)).toBeNull();
    expect(spreadAdvice(half, 0.4)).toEqual({ sameMoment: 4, total: 8 });
    // The captures of the journey's first version: 8 rounds 0.75 s apart.
    const early = Array.from({ length: 8 }, (_, i) => webcam(i * 750));
    expect(spreadAdvice(early, 0.5)).toEqual({ sameMoment: 5, total: 8 });
  });

  it('never counts imported images as one moment, but counts them in the vote', () => {
    const imported = Array.from({ length: 6 }, () => ({ source: 'import' as const, createdAt: 1 }));
    expect(spreadAdvice(imported, 0.5)).toBeNull();
    expect(spreadAdvice([...imported, webcam(0), webcam(10)], 0.5)).toBeNull();
    expect(spreadAdvice([imported[0]!, webcam(0), webcam(10), webcam(20)], 0.5)).toEqual({ sameMoment: 3, total: 4 });
  });

  it('says nothing with fewer than MIN_IMAGES_FOR_ADVICE images', () => {
    const few = Array.from({ length: MIN_IMAGES_FOR_ADVICE - 1 }, () => webcam(0));
    expect(spreadAdvice(few, 0.5)).toBeNull();
    expect(spreadAdvice([...few, webcam(SAME_MOMENT_MS)], 0.5)).toEqual({
      sameMoment: MIN_IMAGES_FOR_ADVICE,
      total: MIN_IMAGES_FOR_ADVICE,
    });
  });
});
