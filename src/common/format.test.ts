import { describe, expect, it } from 'vitest';
import { formatBytes, formatPercent, plural } from './format';

describe('format', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(9.8 * 1024 * 1024)).toBe('9.8 MB');
    expect(formatBytes(120 * 1024 * 1024)).toBe('120 MB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GB');
    expect(formatBytes(-1)).toBe('–');
    expect(formatBytes(Number.NaN)).toBe('–');
  });
  it('formats fractions as percentages', () => {
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.004)).toBe('<1%');
    expect(formatPercent(0.1234)).toBe('12%');
    expect(formatPercent(2)).toBe('100%');
    expect(formatPercent(Number.POSITIVE_INFINITY)).toBe('–');
  });
  it('pluralises', () => {
    expect(plural(1, 'image')).toBe('1 image');
    expect(plural(0, 'image')).toBe('0 images');
    expect(plural(2, 'body', 'bodies')).toBe('2 bodies');
  });
});
