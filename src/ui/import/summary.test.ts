import { describe, expect, it } from 'vitest';
import type { SkippedFile } from '../../data';
import { cropNote, noFaceCount, summaryHeadline } from './summary';

const skip = (reason: SkippedFile['reason'], i: number): SkippedFile => ({ name: `f${i}.jpg`, reason, detail: `f${i}.jpg: ${reason}` });
const skips = (...reasons: SkippedFile['reason'][]) => reasons.map(skip);

describe('import summary headline', () => {
  it('says how many were skipped, and how many of them had no face', () => {
    expect(summaryHeadline({ imported: 1, skipped: skips('not-an-image', 'not-an-image') })).toBe('Imported 1 image, skipped 2.');
    expect(summaryHeadline({ imported: 95, skipped: skips(...Array<'no-face'>(5).fill('no-face')) })).toBe(
      'Imported 95 images, skipped 5 with no face.',
    );
    expect(summaryHeadline({ imported: 90, skipped: skips('no-face', 'too-large', 'no-face') })).toBe(
      'Imported 90 images, skipped 3 (2 with no face).',
    );
    expect(summaryHeadline({ imported: 0, skipped: [] })).toBe('Imported 0 images, skipped 0.');
    expect(noFaceCount({ skipped: skips('no-face', 'unreadable') })).toBe(1);
  });

  it('describes the crop rule of each mode', () => {
    expect(cropNote('face')).toContain('largest face');
    expect(cropNote('fixed')).toContain('centred square');
  });
});
