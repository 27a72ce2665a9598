import { describe, expect, it } from 'vitest';
import { KEYPOINT_NAMES } from '../face';
import { CUE_NAMES, MIN_EYE_DISTANCE, sideOf, yawCue, yawCues, type KeypointSet, type YawCues } from './index';
import { headKeypoints, photoKeypoints, type PlanePose } from './test-head';

const cues = (k: KeypointSet): YawCues => {
  const c = yawCues(k);
  if (c === null) throw new Error('no cue');
  return c;
};

/** Ways a hand-held print moves: shifts, distances, scales, rolls and tilts up to 45° about four axes. */
const PLANE_POSES: PlanePose[] = [
  { at: [0, 0, 500] },
  { at: [120, -60, 500] },
  { at: [-80, 40, 350] },
  { at: [0, 0, 700], scale: 1.3 },
  { scale: 0.7 },
  ...[-25, -10, 10, 25].map((roll) => ({ roll })),
  ...[0, 45, 90, 135].flatMap((tiltAxis) => [-45, -30, -15, 15, 30, 45].map((tilt) => ({ tilt, tiltAxis }))),
  { at: [100, 50, 450], scale: 0.9, roll: 15, tilt: 35, tiltAxis: 60 },
  { at: [-60, -30, 550], scale: 1.1, roll: -20, tilt: -40, tiltAxis: 120 },
];

describe('yawCues on a head', () => {
  it('are zero for a head facing the camera, whatever its pitch; about zero when it rolls', () => {
    for (const pose of [{}, { pitch: 15 }, { pitch: -15 }])
      for (const name of CUE_NAMES) expect(Math.abs(cues(headKeypoints(pose))[name])).toBeLessThan(1e-9);
    // Roll turns the eyes' frame with the face; only perspective is left (the head rolls about the neck and moves sideways).
    const rolled = cues(headKeypoints({ roll: 20 }));
    expect(Math.abs(rolled.eyes)).toBeLessThan(0.02);
    expect(Math.abs(rolled.affine)).toBeLessThan(0.02);
    expect(Math.abs(rolled.ears)).toBeLessThan(0.1); // ratios of short ear-to-eye spans: a larger scale
  });

  it('move with the turn: positive to the person’s left, negative to the right, growing with the angle', () => {
    for (const name of CUE_NAMES) {
      const at = (yaw: number) => cues(headKeypoints({ yaw }))[name];
      expect(at(10)).toBeGreaterThan(0);
      expect(at(20)).toBeGreaterThan(at(10));
      expect(at(30)).toBeGreaterThan(at(20));
      expect(at(-20)).toBeCloseTo(-at(20), 9);
      expect(sideOf(at(20))).toBe('left');
      expect(sideOf(at(-20))).toBe('right');
    }
    // The eyes cue is about (nose depth / eye distance) · tan(yaw), plus perspective: 25 / 64 · tan 20° ≈ 0.14.
    const eyes20 = cues(headKeypoints({ yaw: 20 })).eyes;
    expect(eyes20).toBeGreaterThan(0.13);
    expect(eyes20).toBeLessThan(0.21);
  });

  it('keep the turn’s sign when the head also nods or rolls; the affine cue keeps its size too', () => {
    const poses = [
      { yaw: 25, pitch: 15 },
      { yaw: 25, pitch: -15 },
      { yaw: 25, roll: 15 },
      { yaw: 25, roll: -15 },
    ];
    for (const name of CUE_NAMES)
      for (const pose of poses) expect(cues(headKeypoints(pose))[name], `${name} ${JSON.stringify(pose)}`).toBeGreaterThan(0.05);
    // A nod after a turn rolls the eye line in the image, which the eyes cue reads as nose offset; the affine frame turns with the face.
    const plain = cues(headKeypoints({ yaw: 25 })).affine;
    for (const pose of poses) {
      const c = cues(headKeypoints(pose)).affine;
      expect(c).toBeGreaterThan(0.85 * plain);
      expect(c).toBeLessThan(1.15 * plain);
    }
  });
});

describe('yawCues on a flat photo', () => {
  for (const [what, face] of [
    ['a frontal photo', headKeypoints()],
    ['a photo of a turned head', headKeypoints({ yaw: 20 })],
  ] as const) {
    it(`affine: ${what} moved, scaled, rolled and tilted up to 45° keeps its cue (perspective only)`, () => {
      const base = cues(face).affine;
      for (const pose of PLANE_POSES)
        expect(Math.abs(cues(photoKeypoints(face, pose)).affine - base), JSON.stringify(pose)).toBeLessThan(0.015);
    });

    it(`eyes and ears: ${what} keeps its cue under moves, scales, rolls and tilts about the level or the upright axis`, () => {
      const base = cues(face);
      const poses = PLANE_POSES.filter((p) => p.tiltAxis === undefined || p.tiltAxis % 90 === 0);
      for (const pose of poses) {
        const c = cues(photoKeypoints(face, pose));
        expect(Math.abs(c.eyes - base.eyes), JSON.stringify(pose)).toBeLessThan(0.05);
        expect(Math.abs(c.ears - base.ears), JSON.stringify(pose)).toBeLessThan(0.2);
      }
    });
  }

  it('eyes: an oblique tilt shears the eye line against the nose, so the eyes cue moves and the affine one does not', () => {
    const face = headKeypoints();
    const tilted = cues(photoKeypoints(face, { tilt: 45, tiltAxis: 45 }));
    expect(Math.abs(tilted.eyes)).toBeGreaterThan(0.15);
    expect(Math.abs(tilted.affine)).toBeLessThan(0.015);
  });

  it('a 20° head turn moves every cue far more than any of these photo poses moves the affine cue', () => {
    const frontal = headKeypoints();
    const worstPhoto = Math.max(...PLANE_POSES.map((p) => Math.abs(cues(photoKeypoints(frontal, p)).affine)));
    expect(cues(headKeypoints({ yaw: 20 })).affine).toBeGreaterThan(5 * worstPhoto);
  });
});

describe('yawCues edge cases', () => {
  const face = headKeypoints({ yaw: 10 });

  it('are null without a keypoint, with a non-finite one, or with the eyes closer than MIN_EYE_DISTANCE', () => {
    for (const name of KEYPOINT_NAMES) expect(yawCues(face.filter((k) => k.name !== name)), name).toBeNull();
    expect(yawCues(face.map((k) => (k.name === 'noseTip' ? { ...k, x: NaN } : k)))).toBeNull();
    const tiny = face.map((k) => ({ ...k, x: 100 + (k.x - 320) * 0.05, y: 100 + (k.y - 240) * 0.05 }));
    expect(Math.hypot(tiny[1]!.x - tiny[0]!.x, tiny[1]!.y - tiny[0]!.y)).toBeLessThan(MIN_EYE_DISTANCE);
    expect(yawCues(tiny)).toBeNull();
  });

  it('do not depend on the keypoints’ order', () => {
    expect(yawCues([...face].reverse())).toEqual(yawCues(face));
  });

  it('affine falls back to the eyes cue when the mouth lies on the eye line', () => {
    const flat = face.map((k) =>
      k.name === 'mouthCenter' ? { ...k, y: (face[0]!.y + face[1]!.y) / 2, x: (face[0]!.x + face[1]!.x) / 2 } : k,
    );
    const c = cues(flat);
    expect(c.affine).toBe(c.eyes);
  });

  it('yawCue picks one cue', () => {
    for (const name of CUE_NAMES) expect(yawCue(face, name)).toBe(cues(face)[name]);
    expect(yawCue([], 'eyes')).toBeNull();
  });
});
