import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FACE_CONFIG } from '../config';
import {
  alignFace,
  DEFAULT_ALIGN,
  locateFace,
  refineFace,
  squareTransform,
  warpChip,
  type Face,
  type FaceDetector,
  type LocateConfig,
  type PixelSource,
} from '../face';
import { CHIP_SIZE } from './backbone';

/**
 * How an image becomes the backbone's 150×150 chip, the same way everywhere (training samples,
 * bundled negatives, live frames, the pipeline and the bench): the face detected (BlazeFace), then
 * detected again in its own region (refineFace: steadier keypoints), then aligned (eyes level,
 * scaled by the eyes-to-mouth distance, dlib's margin; src/face alignFace with DEFAULT_ALIGN).
 */

/**
 * Where no face is found in a still image, the chip is its central square of this fraction of the
 * side: about the face framing of dlib's chips in a face-centred, LFW-like photo (110 of 250 px),
 * which is what stored captures and the bundled negatives are.
 */
export const CENTER_FRACTION = 110 / 250;

/** The recipe's parts that change descriptors: part of the descriptor cache's version. */
export const CHIP_RECIPE = { align: DEFAULT_ALIGN, center: CENTER_FRACTION, locate: 'locateFace+refineFace' } as const;

export interface StillChip {
  /** RGB float32 0–255, [150, 150, 3]; the caller disposes it. */
  readonly chip: tf.Tensor3D;
  /** False when no face was found and the central square was used. */
  readonly faceFound: boolean;
}

function sizeOf(pixels: PixelSource): { width: number; height: number } {
  return pixels instanceof tf.Tensor ? { width: pixels.shape[1], height: pixels.shape[0] } : { width: pixels.width, height: pixels.height };
}

/** The central square of CENTER_FRACTION of the image's shorter side, resized to the chip. */
export function centerChip(pixels: PixelSource): tf.Tensor3D {
  const { width, height } = sizeOf(pixels);
  const size = Math.max(1, Math.round(Math.min(width, height) * CENTER_FRACTION));
  const square = { x: Math.floor((width - size) / 2), y: Math.floor((height - size) / 2), size };
  return warpChip(pixels, squareTransform(square, CHIP_SIZE), CHIP_SIZE);
}

/**
 * The chip of a still image: a stored capture (the face square), a bundled negative, an LFW
 * photo. The face is found as for imports (src/face locateFace), then refined and aligned.
 */
export async function stillImageChip(
  detector: FaceDetector,
  pixels: PixelSource,
  config: LocateConfig = DEFAULT_FACE_CONFIG,
): Promise<StillChip> {
  const located = await locateFace(detector, pixels, config);
  if (located === null) return { chip: centerChip(pixels), faceFound: false };
  const face = await refineFace(detector, pixels, located.face, config.scoreThreshold);
  return { chip: alignFace(pixels, face, DEFAULT_ALIGN), faceFound: true };
}

/** The chip of a face already found in a camera frame (by the live loop's detector): refined, aligned. */
export async function frameFaceChip(
  detector: FaceDetector,
  pixels: PixelSource,
  face: Face,
  scoreThreshold = DEFAULT_FACE_CONFIG.scoreThreshold,
): Promise<tf.Tensor3D> {
  const refined = await refineFace(detector, pixels, face, scoreThreshold);
  return alignFace(pixels, refined, DEFAULT_ALIGN);
}
