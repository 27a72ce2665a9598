/**
 * The face crop rule: which face to take, and the square around it that frames the face the way
 * an LFW photo does. Plain arithmetic, no tf.js.
 */
import type { FaceConfig } from '../config';
import type { Square } from '../data';
import type { Face, FaceBox, KeypointName } from './decode';

/** A crop square in source pixels; `clamped` when it had to be shrunk or shifted into the frame. */
export interface FaceSquare extends Square {
  readonly clamped: boolean;
}

export interface FaceCrop {
  /** The face the square frames: the largest one with a score ≥ the threshold. */
  readonly face: Face;
  readonly square: FaceSquare;
  /** More than one face reached the threshold. */
  readonly multiple: boolean;
}

export type FaceCropRule = Pick<FaceConfig, 'centre' | 'marginFactor' | 'offsetX' | 'offsetY'>;

/** The side of a face box used by the crop rule: the mean of its width and height. */
export function boxSide(box: FaceBox): number {
  return (box.width + box.height) / 2;
}

/** The inner keypoints whose mean is the 'keypoints' face centre. */
const CENTRE_KEYPOINTS: readonly KeypointName[] = ['rightEye', 'leftEye', 'noseTip', 'mouthCenter'];

/**
 * The face centre: the box centre, or the mean of the eyes, nose tip and mouth centre (which
 * follows the face more closely than the short-range box; see FACE_CROP_RULES). Falls back to the
 * box centre when those keypoints are missing.
 */
export function faceCentre(face: Face, centre: FaceConfig['centre']): { x: number; y: number } {
  const points = face.keypoints.filter((k) => CENTRE_KEYPOINTS.includes(k.name));
  if (centre === 'keypoints' && points.length === CENTRE_KEYPOINTS.length) {
    return { x: points.reduce((s, k) => s + k.x, 0) / points.length, y: points.reduce((s, k) => s + k.y, 0) / points.length };
  }
  return { x: face.box.x + face.box.width / 2, y: face.box.y + face.box.height / 2 };
}

/**
 * A square of `marginFactor` × the box side, centred on the face centre moved by (offsetX, offsetY)
 * box sides, in integer pixels. A square larger than the frame shrinks to the frame's shorter
 * side; a square across an edge shifts inside. Either sets `clamped`.
 */
export function faceSquare(face: Face, frameWidth: number, frameHeight: number, rule: FaceCropRule): FaceSquare {
  if (!(frameWidth >= 1 && frameHeight >= 1)) throw new Error(`faceSquare: empty frame ${frameWidth}×${frameHeight}`);
  const { box } = face;
  const side = boxSide(box);
  if (!(side > 0)) throw new Error(`faceSquare: face box ${box.width}×${box.height} has no area`);
  const wanted = Math.max(1, Math.round(side * rule.marginFactor));
  const size = Math.min(wanted, Math.floor(frameWidth), Math.floor(frameHeight));
  const centre = faceCentre(face, rule.centre);
  const cx = centre.x + rule.offsetX * side;
  const cy = centre.y + rule.offsetY * side;
  const x0 = Math.round(cx - size / 2);
  const y0 = Math.round(cy - size / 2);
  const x = Math.min(Math.max(x0, 0), Math.floor(frameWidth) - size);
  const y = Math.min(Math.max(y0, 0), Math.floor(frameHeight) - size);
  return { x, y, size, clamped: size !== wanted || x !== x0 || y !== y0 };
}

/** The largest face (by box area) with a score ≥ `scoreThreshold`, or null when there is none. */
export function largestFace(faces: readonly Face[], scoreThreshold: number): { face: Face; multiple: boolean } | null {
  const found = faces.filter((f) => f.score >= scoreThreshold);
  if (found.length === 0) return null;
  const face = found.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
  return { face, multiple: found.length > 1 };
}

/**
 * The crop for a frame's detections: the largest face with a score ≥ `scoreThreshold` and its
 * square, or null when no face reaches the threshold.
 */
export function faceCrop(
  faces: readonly Face[],
  frameWidth: number,
  frameHeight: number,
  config: FaceCropRule & Pick<FaceConfig, 'scoreThreshold'>,
): FaceCrop | null {
  const picked = largestFace(faces, config.scoreThreshold);
  if (picked === null) return null;
  return { ...picked, square: faceSquare(picked.face, frameWidth, frameHeight, config) };
}
