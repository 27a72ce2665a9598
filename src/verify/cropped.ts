/**
 * One frame, from pixels to a verification result, with the crop chosen on that same frame:
 *
 *   'fixed': the reference's fixed square → preprocess → verify
 *   'face':  detect → crop rule → preprocess → verify, or no result when no face reaches the
 *            score threshold (a gate before the decision rule: such a frame is never verified,
 *            so it can never grant)
 */
import type * as tf from '@tensorflow/tfjs';
import type { Square } from '../data';
import { preprocess, type PixelData } from '../model';
import type { FaceFrame } from './faceTracker';

/** Where a frame's crop comes from. */
export type CropSource =
  | { readonly mode: 'fixed'; readonly square: Square }
  | { readonly mode: 'face'; readonly detect: (pixels: PixelData) => Promise<FaceFrame> };

export interface CroppedResult<R> {
  /** The square that was verified; null when no face was found. */
  readonly square: Square | null;
  /** The detection of this frame ('face' mode), else null. */
  readonly face: FaceFrame | null;
  /** What `verify` returned; null when no face was found ('face' mode), and verify was not called. */
  readonly result: R | null;
}

/**
 * Crops `pixels` as `source` says, preprocesses the crop to `inputSize` and hands it to `verify`
 * (which must not keep it: it is disposed when `verify` settles).
 */
export async function verifyCropped<R>(
  pixels: PixelData,
  source: CropSource,
  inputSize: number,
  verify: (input: tf.Tensor3D) => Promise<R>,
): Promise<CroppedResult<R>> {
  let face: FaceFrame | null = null;
  let square: Square;
  if (source.mode === 'face') {
    face = await source.detect(pixels);
    if (face.crop === null) return { square: null, face, result: null };
    square = face.crop.square;
  } else {
    square = source.square;
  }
  const input = preprocess(pixels, inputSize, square);
  try {
    return { square, face, result: await verify(input) };
  } finally {
    input.dispose();
  }
}
