/**
 * Simulated webcam frames for the accuracy part: each 250×250 LFW photo is pasted into a 640×480
 * frame on a neutral background at a seeded offset and scale, as a face moves in front of a
 * webcam. The fixed crop (the reference's centred square) and the face crop (src/face) then cut
 * their squares out of the same frame. Plain arithmetic, no tf.js, no DOM.
 */
import { type Square, createRng, deriveSeed } from '../../src/data';

export interface FrameSpec {
  /** Frame size in pixels (a VGA webcam: 640×480). */
  readonly width: number;
  readonly height: number;
  /** The photo's centre moves up to ± this many pixels from the frame centre (uniform). */
  readonly maxShiftX: number;
  readonly maxShiftY: number;
  /** The photo is scaled by a factor drawn uniformly from [minScale, maxScale]. */
  readonly minScale: number;
  readonly maxScale: number;
  /** Grey level 0–255 of the background around the photo. */
  readonly background: number;
}

export const DEFAULT_FRAME_SPEC: FrameSpec = {
  width: 640,
  height: 480,
  maxShiftX: 90,
  maxShiftY: 50,
  minScale: 0.8,
  maxScale: 1.2,
  background: 128,
};

/** Where a photo lies in the frame, in integer frame pixels (it may reach past the frame's edges). */
export interface Placement {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The drawn scale factor and centre shift, as drawn (before rounding). */
  readonly scale: number;
  readonly shiftX: number;
  readonly shiftY: number;
}

/** Salt of the frame placement seeds (the capture jitter uses the photo seed itself). */
const FRAME_SALT = 0x4652_4d45;

/** FNV-1a of a string: a stable salt for per-photo seeds. */
export function stringSalt(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The seed of one photo (`person/file`): its capture jitter uses it, its frame placement one derived from it. */
export const photoSeed = (seed: number, person: string, file: string) => deriveSeed(seed, stringSalt(`${person}/${file}`));

export function checkFrameSpec(spec: FrameSpec): void {
  const bad = (what: string) => new Error(`frame spec: ${what} (got ${JSON.stringify(spec)})`);
  if (!(Number.isInteger(spec.width) && Number.isInteger(spec.height) && spec.width > 0 && spec.height > 0))
    throw bad('width and height must be positive integers');
  if (!(spec.maxShiftX >= 0 && spec.maxShiftY >= 0)) throw bad('shifts must be ≥ 0');
  if (!(spec.minScale > 0 && spec.minScale <= spec.maxScale)) throw bad('need 0 < minScale ≤ maxScale');
  if (!(spec.background >= 0 && spec.background <= 255)) throw bad('background must be in 0–255');
}

/** The seeded placement of a photoWidth × photoHeight photo in the frame (the same seed, the same place). */
export function placePhoto(seed: number, photoWidth: number, photoHeight: number, spec: FrameSpec = DEFAULT_FRAME_SPEC): Placement {
  checkFrameSpec(spec);
  if (!(photoWidth > 0 && photoHeight > 0)) throw new Error(`placePhoto: empty photo ${photoWidth}×${photoHeight}`);
  const rand = createRng(deriveSeed(seed, FRAME_SALT));
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const scale = uniform(spec.minScale, spec.maxScale);
  const shiftX = uniform(-spec.maxShiftX, spec.maxShiftX);
  const shiftY = uniform(-spec.maxShiftY, spec.maxShiftY);
  const width = Math.max(1, Math.round(photoWidth * scale));
  const height = Math.max(1, Math.round(photoHeight * scale));
  return {
    x: Math.round(spec.width / 2 + shiftX - width / 2),
    y: Math.round(spec.height / 2 + shiftY - height / 2),
    width,
    height,
    scale,
    shiftX,
    shiftY,
  };
}

/** Whether the whole photo lies inside the frame. */
export const insideFrame = (p: Placement, spec: FrameSpec = DEFAULT_FRAME_SPEC) =>
  p.x >= 0 && p.y >= 0 && p.x + p.width <= spec.width && p.y + p.height <= spec.height;

/**
 * How a crop square frames the pasted photo: the distance of its centre from the photo's centre
 * and its side relative to the photo's side, both in units of the photo's side (0 and 1 = the
 * crop is exactly the photo, as an LFW photo frames its face).
 */
export function cropFit(square: Square, p: Placement): { readonly offset: number; readonly sizeRatio: number } {
  const side = (p.width + p.height) / 2;
  const dx = square.x + square.size / 2 - (p.x + p.width / 2);
  const dy = square.y + square.size / 2 - (p.y + p.height / 2);
  return { offset: Math.hypot(dx, dy) / side, sizeRatio: square.size / side };
}
