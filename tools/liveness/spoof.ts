/**
 * Spoof frames: a flat photo held in front of a webcam. The photo is a plane; a pose moves it
 * sideways, scales it (nearer or farther), rotates it in the image plane and tilts it out of the
 * image plane about an axis lying in it, and a pinhole camera projects it. The whole map from photo
 * pixels to frame pixels is one homography; `warpPhoto` renders it with tf.image.transform on a grey
 * frame. The measurement (scripts/liveness) and the clip maker (clips.ts) share the poses.
 */
import * as tf from '@tensorflow/tfjs';

export interface PhotoPose {
  /** Where the photo's centre moves from the frame's centre, in frame pixels. */
  readonly shiftX: number;
  readonly shiftY: number;
  /** 1: photo pixels land 1:1 on frame pixels (before tilting). */
  readonly scale: number;
  /** In-plane rotation, degrees (positive turns clockwise on screen: image y points down). */
  readonly roll: number;
  /** Out-of-plane tilt, degrees, about `tiltAxis`. */
  readonly tilt: number;
  /** Direction of the tilt axis in the photo plane, degrees from the image x axis: 0 leans the photo back or forward, 90 turns it like a door. */
  readonly tiltAxis: number;
}

export const NEUTRAL_POSE: PhotoPose = { shiftX: 0, shiftY: 0, scale: 1, roll: 0, tilt: 0, tiltAxis: 0 };

export interface SpoofFrame {
  readonly width: number;
  readonly height: number;
  /** Background grey level 0–255. */
  readonly grey: number;
  /** Focal length in pixels (a 640-wide webcam with a 60° horizontal field of view: 554). */
  readonly focal: number;
}

export const SPOOF_FRAME: SpoofFrame = { width: 640, height: 480, grey: 128, focal: 554 };

/** Row-major 3×3 matrix. */
export type Mat3 = readonly [number, number, number, number, number, number, number, number, number];

const rad = (deg: number) => (deg * Math.PI) / 180;

export function mul3(a: Mat3, b: Mat3): Mat3 {
  const out: number[] = [];
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) out.push(a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!);
  return out as unknown as Mat3;
}

export function invert3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 1e-12)) throw new Error('invert3: singular matrix');
  return [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
}

/** Applies a homography to a point. */
export function applyHomography(h: Mat3, x: number, y: number): { x: number; y: number } {
  const w = h[6] * x + h[7] * y + h[8];
  return { x: (h[0] * x + h[1] * y + h[2]) / w, y: (h[3] * x + h[4] * y + h[5]) / w };
}

/**
 * The homography from photo pixel indices to frame pixel indices (pixel centres on integers) of a
 * `photoWidth`×`photoHeight` photo in `pose`. The neutral pose puts the photo 1:1 in the middle of
 * the frame: at depth `focal`, where one photo pixel projects to one frame pixel.
 */
export function photoHomography(pose: PhotoPose, photoWidth: number, photoHeight: number, frame: SpoofFrame = SPOOF_FRAME): Mat3 {
  const cu = (photoWidth - 1) / 2;
  const cv = (photoHeight - 1) / 2;
  const cx = (frame.width - 1) / 2;
  const cy = (frame.height - 1) / 2;
  const f = frame.focal;
  const s = pose.scale;
  const cr = Math.cos(rad(pose.roll));
  const sr = Math.sin(rad(pose.roll));
  // Photo pixel → plane point (centred, scaled, rolled), homogeneous.
  const toPlane: Mat3 = [s * cr, -s * sr, -s * (cr * cu - sr * cv), s * sr, s * cr, -s * (sr * cu + cr * cv), 0, 0, 1];
  // Rodrigues' rotation about the unit axis a = (cos α, sin α, 0) by θ; only its first two columns
  // matter, since plane points have z = 0.
  const ax = Math.cos(rad(pose.tiltAxis));
  const ay = Math.sin(rad(pose.tiltAxis));
  const ct = Math.cos(rad(pose.tilt));
  const st = Math.sin(rad(pose.tilt));
  const r11 = ct + ax * ax * (1 - ct);
  const r21 = ax * ay * (1 - ct);
  const r31 = -ay * st;
  const r12 = ax * ay * (1 - ct);
  const r22 = ct + ay * ay * (1 - ct);
  const r32 = ax * st;
  // Camera: K · [r1 r2 t], t = (shiftX, shiftY, f).
  const tx = pose.shiftX;
  const ty = pose.shiftY;
  const tz = f;
  const project: Mat3 = [
    f * r11 + cx * r31,
    f * r12 + cx * r32,
    f * tx + cx * tz,
    f * r21 + cy * r31,
    f * r22 + cy * r32,
    f * ty + cy * tz,
    r31,
    r32,
    tz,
  ];
  return mul3(project, toPlane);
}

/**
 * The frame showing `photo` ([h, w, 3 or 4], values 0–255) in `pose`: bilinear, the rest of the frame
 * grey. RGB float32 [frame.height, frame.width, 3]; the caller disposes it and keeps `photo`.
 */
export function warpPhoto(photo: tf.Tensor3D, pose: PhotoPose, frame: SpoofFrame = SPOOF_FRAME): tf.Tensor3D {
  const [h, w] = photo.shape;
  // tf.image.transform maps each output index to an input index: the inverse homography, scaled so
  // that its last entry is 1.
  const inv = invert3(photoHomography(pose, w, h, frame));
  const k = inv[8];
  const params = [inv[0] / k, inv[1] / k, inv[2] / k, inv[3] / k, inv[4] / k, inv[5] / k, inv[6] / k, inv[7] / k];
  return tf.tidy(() => {
    const rgb = photo.shape[2] === 4 ? tf.slice(photo, [0, 0, 0], [h, w, 3]) : photo;
    const batch = tf.expandDims(tf.cast(rgb, 'float32'), 0) as tf.Tensor4D;
    const out = tf.image.transform(batch, tf.tensor2d([params], [1, 8]), 'bilinear', 'constant', frame.grey, [frame.height, frame.width]);
    return tf.squeeze(out, [0]) as tf.Tensor3D;
  });
}

/** A named pose of the spoof sweep. */
export interface SpoofPose {
  readonly name: string;
  /** shift, scale, roll, tilt or mixed. */
  readonly family: 'neutral' | 'shift' | 'scale' | 'roll' | 'tilt' | 'mixed';
  readonly pose: PhotoPose;
}

/**
 * The sweep of poses a hand-held photo goes through: small shifts (the detector's sub-pixel jitter)
 * and large ones, scales, in-plane rotations, tilts of ±`tilts` degrees about four axes (leaning
 * back, turning like a door, and both diagonals), and `mixed` random combinations drawn with `rng`.
 */
export function spoofSweep(rng: () => number, options: { readonly tilts?: readonly number[]; readonly mixed?: number } = {}): SpoofPose[] {
  const { tilts = [15, 30, 45, 60], mixed = 8 } = options;
  const poses: SpoofPose[] = [{ name: 'neutral', family: 'neutral', pose: NEUTRAL_POSE }];
  const add = (family: SpoofPose['family'], name: string, p: Partial<PhotoPose>) =>
    poses.push({ name, family, pose: { ...NEUTRAL_POSE, ...p } });
  for (const [x, y] of [
    [1, 0],
    [2, 1],
    [3, 3],
    [-7, 4],
    [40, 0],
    [-80, 30],
    [120, -60],
    [0, 100],
  ] as const)
    add('shift', `shift ${x},${y}`, { shiftX: x, shiftY: y });
  for (const s of [0.6, 0.8, 1.25, 1.5]) add('scale', `scale ${s}`, { scale: s });
  for (const r of [-30, -20, -10, 10, 20, 30]) add('roll', `roll ${r}`, { roll: r });
  for (const axis of [0, 45, 90, 135])
    for (const t of tilts) for (const sign of [-1, 1]) add('tilt', `tilt ${sign * t} about ${axis}`, { tilt: sign * t, tiltAxis: axis });
  const between = (lo: number, hi: number) => lo + (hi - lo) * rng();
  for (let i = 0; i < mixed; i++)
    add('mixed', `mixed ${i}`, {
      shiftX: Math.round(between(-100, 100)),
      shiftY: Math.round(between(-60, 60)),
      scale: between(0.75, 1.3),
      roll: between(-20, 20),
      tilt: between(-45, 45),
      tiltAxis: between(0, 180),
    });
  return poses;
}
