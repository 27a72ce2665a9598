import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, shuffled } from './random';

describe('seeded randomness', () => {
  it('repeats for a seed and differs across seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xa = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xa);
    expect([c(), c(), c()]).not.toEqual(xa);
    for (const x of xa) expect(x >= 0 && x < 1).toBe(true);
  });

  it('shuffles into a permutation, repeatably, without touching the input', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const s1 = shuffled(items, 3);
    expect(shuffled(items, 3)).toEqual(s1);
    expect(s1).not.toEqual(items);
    expect([...s1].sort((x, y) => x - y)).toEqual(items);
    expect(items[0]).toBe(0);
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(1, 3));
  });
});
