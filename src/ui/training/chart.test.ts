import { describe, expect, it } from 'vitest';
import { epochTicks, niceStep, niceTicks, scales, seriesPath } from './chart';

describe('chart geometry', () => {
  it('picks 1-2-5 steps', () => {
    expect(niceStep(1, 4)).toBe(0.5);
    expect(niceStep(0.7, 4)).toBe(0.2);
    expect(niceStep(37, 4)).toBe(10);
    expect(niceStep(0, 4)).toBe(1);
  });

  it('covers the data with nice ticks', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0, 0.693)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0, 0)).toEqual([0, 1]);
  });

  it('numbers epochs with integers and always shows the last', () => {
    expect(epochTicks(1)).toEqual([1]);
    expect(epochTicks(2)).toEqual([1, 2]);
    expect(epochTicks(50)).toEqual([1, 11, 21, 31, 41, 50]);
  });

  it('maps values into the plot and breaks lines at nulls', () => {
    const frame = { width: 110, height: 60, left: 10, right: 0, top: 0, bottom: 10 };
    const s = scales([{ name: 'a', values: [0, 1], color: 'red' }], frame, 3, [0, 1]);
    expect(s.x(1)).toBe(10);
    expect(s.x(3)).toBe(110);
    expect(s.y(0)).toBe(50);
    expect(s.y(1)).toBe(0);
    expect(seriesPath([0, null, 1], s)).toBe('M10.0,50.0M110.0,0.0');
    expect(seriesPath([0, 0.5, 1], s)).toBe('M10.0,50.0L60.0,25.0L110.0,0.0');
  });
});
