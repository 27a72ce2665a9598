/**
 * Test support: synthetic BlazeFace keypoints of a head seen by a pinhole webcam, and of a flat
 * photo of a face moved, scaled, rolled and tilted in front of it.
 *
 * The head is six 3D points in millimetres, in the camera's axes (x toward the image's right, which
 * is the person's left; y down; z away from the camera), origin between the eyes: the nose tip stands
 * 25 mm in front of the eyes, the mouth 10 mm, the ear tragions 80 mm behind them. Rough
 * anthropometry: the tests check signs, sizes and invariances, not a face's exact shape.
 */
import type { KeypointName } from '../face';
import type { KeypointSet } from './cue';

type Vec3 = readonly [number, number, number];

export const HEAD_MODEL: Readonly<Record<KeypointName, Vec3>> = {
  rightEye: [-32, 0, 0],
  leftEye: [32, 0, 0],
  noseTip: [0, 40, -25],
  mouthCenter: [0, 70, -10],
  rightEarTragion: [-72, 15, 80],
  leftEarTragion: [72, 15, 80],
};

/** Where the head turns about: the neck, behind and below the eyes. */
const PIVOT: Vec3 = [0, 30, 90];

export interface Camera {
  /** Focal length and image centre, pixels. */
  readonly focal: number;
  readonly cx: number;
  readonly cy: number;
}

/** A 640×480 webcam with a 60° horizontal field of view. */
export const WEBCAM: Camera = { focal: 554, cx: 319.5, cy: 239.5 };

export interface HeadPose {
  /** Degrees; positive yaw turns the head to the person's left (the nose toward the image's right). */
  readonly yaw?: number;
  /** Positive pitch tips the nose down. */
  readonly pitch?: number;
  /** In the image plane, clockwise on screen. */
  readonly roll?: number;
  /** Where the point between the eyes sits, mm (z: distance from the camera). */
  readonly at?: Vec3;
}

const rad = (deg: number) => (deg * Math.PI) / 180;

function rotate([x, y, z]: Vec3, yaw: number, pitch: number, roll: number): Vec3 {
  // Yaw about the vertical axis (nose toward +x for positive yaw), then pitch about x, then roll about z.
  const cy = Math.cos(rad(yaw));
  const sy = Math.sin(rad(yaw));
  const x1 = x * cy - z * sy;
  const z1 = x * sy + z * cy;
  const cp = Math.cos(rad(pitch));
  const sp = Math.sin(rad(pitch));
  const y2 = y * cp - z1 * sp;
  const z2 = y * sp + z1 * cp;
  const cr = Math.cos(rad(roll));
  const sr = Math.sin(rad(roll));
  return [x1 * cr - y2 * sr, x1 * sr + y2 * cr, z2];
}

function project([x, y, z]: Vec3, camera: Camera): { x: number; y: number } {
  return { x: camera.cx + (camera.focal * x) / z, y: camera.cy + (camera.focal * y) / z };
}

const NAMES = Object.keys(HEAD_MODEL) as KeypointName[];

/** The keypoints of the head in `pose`, as the camera sees them. */
export function headKeypoints(pose: HeadPose = {}, camera: Camera = WEBCAM): KeypointSet {
  const { yaw = 0, pitch = 0, roll = 0, at = [0, 0, 500] } = pose;
  return NAMES.map((name) => {
    const p = HEAD_MODEL[name];
    const r = rotate([p[0] - PIVOT[0], p[1] - PIVOT[1], p[2] - PIVOT[2]], yaw, pitch, roll);
    return { name, ...project([r[0] + PIVOT[0] + at[0], r[1] + PIVOT[1] + at[1], r[2] + PIVOT[2] + at[2]], camera) };
  });
}

export interface PlanePose {
  /** Sideways and vertical shift of the photo, mm; distance of its centre from the camera, mm. */
  readonly at?: Vec3;
  /** Scale of the print (1: life size). */
  readonly scale?: number;
  /** In-plane rotation, degrees. */
  readonly roll?: number;
  /** Out-of-plane tilt, degrees, about an axis in the photo's plane at `tiltAxis` degrees from its x axis. */
  readonly tilt?: number;
  readonly tiltAxis?: number;
}

/**
 * The keypoints of a flat photo showing `face` (keypoints of a head as photographed, in pixels of a
 * `camera` image at 500 mm: the print is that image at life size), held in `pose` in front of the camera.
 */
export function photoKeypoints(face: KeypointSet, pose: PlanePose = {}, camera: Camera = WEBCAM): KeypointSet {
  const { at = [0, 0, 500], scale = 1, roll = 0, tilt = 0, tiltAxis = 0 } = pose;
  const mmPerPixel = 500 / camera.focal;
  const ax = Math.cos(rad(tiltAxis));
  const ay = Math.sin(rad(tiltAxis));
  const ct = Math.cos(rad(tilt));
  const st = Math.sin(rad(tilt));
  const cr = Math.cos(rad(roll));
  const sr = Math.sin(rad(roll));
  return face.map((k) => {
    // The print's point, mm from the print's centre, scaled and rolled in its plane.
    const u = (k.x - camera.cx) * mmPerPixel * scale;
    const v = (k.y - camera.cy) * mmPerPixel * scale;
    const px = u * cr - v * sr;
    const py = u * sr + v * cr;
    // Rodrigues' rotation of (px, py, 0) about the axis (ax, ay, 0).
    const dot = ax * px + ay * py;
    const x = px * ct + ax * dot * (1 - ct);
    const y = py * ct + ay * dot * (1 - ct);
    const z = (ax * py - ay * px) * st;
    return { name: k.name, ...project([x + at[0], y + at[1], z + at[2]], camera) };
  });
}
