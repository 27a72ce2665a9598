import type { CaptureConfig } from '../config';

/** A square region of a source image, in source pixels. */
export interface Square {
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

/**
 * The capture square in a frame of the given size: `squareSize` pixels (reference 250), centred at
 * (centerX, centerY) as fractions of the frame, shrunk to fit and kept inside the frame. For a
 * 640×480 frame and the defaults this is x 195, y 115, size 250 (the reference sliced a fixed
 * 250×250 region near the centre).
 */
export function captureSquare(
  frameWidth: number,
  frameHeight: number,
  capture: Pick<CaptureConfig, 'squareSize' | 'centerX' | 'centerY'>,
): Square {
  if (!(frameWidth > 0 && frameHeight > 0)) throw new Error(`captureSquare: empty frame ${frameWidth}×${frameHeight}`);
  const size = Math.min(capture.squareSize, frameWidth, frameHeight);
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const x = clamp(Math.round(capture.centerX * frameWidth - size / 2), frameWidth - size);
  const y = clamp(Math.round(capture.centerY * frameHeight - size / 2), frameHeight - size);
  return { x, y, size };
}

/**
 * The crop rule for imported photos (LFW and the like): LFW photos are 250×250 with the face
 * centred, so the whole photo is the capture square. For other sizes, the largest centred square.
 */
export function importSquare(width: number, height: number): Square {
  const size = Math.min(width, height);
  return { x: Math.floor((width - size) / 2), y: Math.floor((height - size) / 2), size };
}
