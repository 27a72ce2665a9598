import type { CropMode } from '../../config';
import type { ImportSummary } from '../../data';
import { plural } from '../../common';

/** How many of the skipped files had no face (face crop mode). */
export function noFaceCount(summary: Pick<ImportSummary, 'skipped'>): number {
  return summary.skipped.filter((s) => s.reason === 'no-face').length;
}

/**
 * The summary's first line: "Imported 95 images, skipped 5 with no face.", "Imported 1 image,
 * skipped 2.", or both kinds of skip: "Imported 90 images, skipped 7 (5 with no face)."
 */
export function summaryHeadline(summary: Pick<ImportSummary, 'imported' | 'skipped'>): string {
  const skipped = summary.skipped.length;
  const noFace = noFaceCount(summary);
  const skips = noFace === 0 ? `${skipped}` : noFace === skipped ? `${skipped} with no face` : `${skipped} (${noFace} with no face)`;
  return `Imported ${plural(summary.imported, 'image')}, skipped ${skips}.`;
}

/** The drop zone's note on how imported images are cropped. */
export function cropNote(mode: CropMode): string {
  return mode === 'face'
    ? 'Each image is cropped around its largest face, as captures are; images with no face are skipped.'
    : 'Each image is cropped to its centred square, like the LFW photos.';
}
