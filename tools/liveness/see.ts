/**
 * What the liveness check sees of one frame, as the app gets it: the app's detector on the whole
 * frame, the faces at or above its score threshold, and the largest one detected again in its own
 * square (src/face refineFace), whose keypoints the cue is computed from. The measurement
 * (scripts/liveness), the clips (clips.ts), the tests and the bench's liveness part share it.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FACE_CONFIG } from '../../src/config';
import { largestFace, refineFace, type Face, type FaceDetector, type PixelSource } from '../../src/face';
import type { LivenessFrame } from '../../src/liveness';
import { readJpeg } from '../lfw';

export interface FrameSight {
  /** Faces with a score ≥ the threshold. */
  readonly faces: number;
  /** The largest of them as found in the whole frame, and detected again in its own square (null without a face). */
  readonly face: Face | null;
  readonly refined: Face | null;
}

/** Detects the faces of `pixels` and refines the largest (see the header). */
export async function seeFrame(
  detector: FaceDetector,
  pixels: PixelSource,
  scoreThreshold: number = DEFAULT_FACE_CONFIG.scoreThreshold,
): Promise<FrameSight> {
  const found = await detector.detect(pixels);
  const picked = largestFace(found, scoreThreshold);
  const faces = found.filter((f) => f.score >= scoreThreshold).length;
  if (picked === null) return { faces, face: null, refined: null };
  return { faces, face: picked.face, refined: await refineFace(detector, pixels, picked.face, scoreThreshold) };
}

/** The check's frame at time `at` from what was seen (`identity`: whether the identity rule grants on it). */
export const livenessFrame = (sight: FrameSight, at: number, identity = true): LivenessFrame => ({
  at,
  faces: sight.faces,
  keypoints: sight.refined?.keypoints ?? null,
  identity,
});

/** A JPEG photo as an int32 [height, width, 4] tensor (RGBA), for warpPhoto; the caller disposes it. */
export function photoTensor(file: string): tf.Tensor3D {
  const img = readJpeg(file);
  return tf.tensor3d(img.data, [img.height, img.width, 4], 'int32');
}
