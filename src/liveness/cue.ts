/**
 * Yaw cues from BlazeFace's six keypoints: numbers that move when a head turns and stay put when a
 * flat picture of a face is moved, scaled, rotated in the image plane or tilted.
 *
 * A real head's nose tip stands well in front of its eyes and mouth, and its ear tragions well
 * behind them. Turning the head (yaw φ) moves each keypoint sideways by about its depth × sin φ, so
 * the nose slides along the eye line relative to the eyes (and the ears the other way). A photo has
 * no depth: moving, scaling or rotating it in the image plane is a similarity, and tilting it is an
 * affine map (a perspective one when it is near the camera). Coordinates of one keypoint in a frame
 * made of the others are unchanged by an affine map, so a cue built that way is flat for a photo.
 *
 * Sign: positive when the nose points toward the person's left eye, i.e. the head turned to the
 * person's own left (toward the right of an un-mirrored camera image). Pure maths, no tf.js.
 */
import { LIVENESS_CUES, type LivenessCue } from '../config';
import type { Keypoint, KeypointName } from '../face';

/** A keypoint's position: BlazeFace keypoints, or any { x, y } named like them. */
export type KeypointSet = readonly Pick<Keypoint, 'name' | 'x' | 'y'>[];

/** Which way a head turns, in the person's own terms (their left is the camera image's right). */
export type Side = 'left' | 'right';

/** The ways of measuring the turn (see yawCues); LivenessConfig.cue picks one. */
export const CUE_NAMES = LIVENESS_CUES;
export type CueName = LivenessCue;

export type YawCues = Readonly<Record<CueName, number>>;

/** Eyes closer than this (pixels) give no cue: the face is too small or the keypoints collapsed. */
export const MIN_EYE_DISTANCE = 4;

function point(keypoints: KeypointSet, name: KeypointName): { x: number; y: number } | null {
  const k = keypoints.find((p) => p.name === name);
  return k && Number.isFinite(k.x) && Number.isFinite(k.y) ? k : null;
}

/**
 * All three cues of one face, or null when a keypoint is missing or the eyes are closer than
 * MIN_EYE_DISTANCE pixels. In the eyes' frame (origin midway between the eyes, unit vector u from
 * the right eye to the left eye, eye distance d):
 *
 * - `eyes`: the nose tip's offset along u divided by d. Unchanged by similarities and by tilts about
 *   an axis along or across the eye line; a tilt about an oblique axis shears it a little.
 * - `affine`: the nose tip's first coordinate in the affine frame (eye vector, eyes' midpoint → mouth
 *   centre): nose − midpoint = a·(left eye − right eye) + b·(mouth − midpoint). Unchanged by every
 *   affine map of a plane, so a tilted photo moves it only through perspective; a turning head moves
 *   it less than `eyes`, since the mouth stands in front of the eyes too.
 * - `ears`: the asymmetry of the ear tragions' distances from their eyes along u,
 *   (right − left) / (right + left): the ear on the side the head turns away from comes into view.
 *   Ratios of lengths along one line are affine-invariant, so a tilted photo moves it little.
 */
export function yawCues(keypoints: KeypointSet): YawCues | null {
  const re = point(keypoints, 'rightEye');
  const le = point(keypoints, 'leftEye');
  const nose = point(keypoints, 'noseTip');
  const mouth = point(keypoints, 'mouthCenter');
  const rt = point(keypoints, 'rightEarTragion');
  const lt = point(keypoints, 'leftEarTragion');
  if (!re || !le || !nose || !mouth || !rt || !lt) return null;
  const ex = le.x - re.x;
  const ey = le.y - re.y;
  const d = Math.hypot(ex, ey);
  if (!(d >= MIN_EYE_DISTANCE)) return null;
  const ux = ex / d;
  const uy = ey / d;
  const mx = (re.x + le.x) / 2;
  const my = (re.y + le.y) / 2;
  const along = (p: { x: number; y: number }) => ((p.x - mx) * ux + (p.y - my) * uy) / d;
  const eyes = along(nose);
  // nose − m = a·e + b·w, w = mouth − m: Cramer's rule on the 2×2 system [e w]·(a, b) = nose − m.
  const wx = mouth.x - mx;
  const wy = mouth.y - my;
  const det = ex * wy - ey * wx;
  const nx = nose.x - mx;
  const ny = nose.y - my;
  // A mouth on the eye line (det 0) leaves no frame: fall back to the eyes cue.
  const affine = Math.abs(det) > 1e-6 * d * d ? (nx * wy - ny * wx) / det : eyes;
  // Distances along u: the right ear lies at negative u beyond the right eye (at −1/2), the left ear
  // at positive u beyond the left eye (at +1/2).
  const right = -0.5 - along(rt);
  const left = along(lt) - 0.5;
  const ears = right + left > 1e-6 ? (right - left) / (right + left) : 0;
  return { eyes, affine, ears };
}

/** The cue the liveness check uses (config.cue) of one face, or null as in yawCues. */
export function yawCue(keypoints: KeypointSet, cue: CueName): number | null {
  const all = yawCues(keypoints);
  return all === null ? null : all[cue];
}

/** The side a signed cue change points to (positive: the person's left). */
export const sideOf = (change: number): Side => (change > 0 ? 'left' : 'right');
