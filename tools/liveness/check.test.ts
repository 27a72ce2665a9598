/**
 * The liveness check on real detections: LFW photos through the app's detector, refined keypoints,
 * into LivenessCheck with its measured defaults. A frontal photo followed by a photo of the same
 * person turned to the asked side is granted; to the other side, denied; one photo moved, rolled
 * and tilted (up to 30°) is never granted.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACE_CONFIG } from '../../src/config';
import { createRng } from '../../src/data';
import { createFaceDetector, type FaceDetector } from '../../src/face';
import { LivenessCheck, type LivenessFrame, type LivenessState, type Side } from '../../src/liveness';
import { useWasmBackend } from '../common/node-backend';
import { faceModelPath, fileModelHandler, lfwPath } from '../lfw';
import { chooseLivePhotos, livenessFrame, NEUTRAL_POSE, photoTensor, seeFrame, warpPhoto, type LivePhotos, type PhotoPose } from './index';

const PERSON = 'Richard_Gere';
const photos = Array.from({ length: 10 }, (_, i) => lfwPath(PERSON, i + 1));

let detector: FaceDetector;
let chosen: LivePhotos;

beforeAll(async () => {
  await useWasmBackend();
  detector = await createFaceDetector({ model: fileModelHandler(faceModelPath(DEFAULT_FACE_CONFIG.variant)) });
  const c = await chooseLivePhotos(detector, photos);
  if (c === null || c.left === null || c.right === null) throw new Error(`${PERSON}'s photos have no frontal photo or no turn to a side`);
  chosen = c;
});
afterAll(() => detector?.dispose());

/** What the check sees of `file` in `pose` at time `at`: faces found, the largest one's refined keypoints. */
async function frameOf(file: string, pose: PhotoPose, at: number): Promise<LivenessFrame> {
  const photo = photoTensor(file);
  const pixels = warpPhoto(photo, pose);
  try {
    return livenessFrame(await seeFrame(detector, pixels), at);
  } finally {
    tf.dispose([photo, pixels]);
  }
}

/** A seed whose first draw asks for `side` (the check draws < 0.5 as left). */
const seedFor = (side: Side) => [1, 2, 3, 4, 5, 6, 7, 8].find((s) => createRng(s)() < 0.5 === (side === 'left'))!;

describe('LivenessCheck on LFW photos through the detector', () => {
  for (const side of ['left', 'right'] as const) {
    it(`grants a turn to the ${side} after the frontal photo, and denies the turn to the other side`, async () => {
      const before = tf.memory().numTensors;
      const turned = (s: Side) => chosen[s]!.photo;
      const run = async (shown: Side): Promise<LivenessState> => {
        const check = new LivenessCheck(undefined, createRng(seedFor(side)));
        expect(check.update(await frameOf(chosen.frontal.photo, NEUTRAL_POSE, 0))).toMatchObject({ kind: 'challenge', side });
        check.update(await frameOf(chosen.frontal.photo, { ...NEUTRAL_POSE, shiftX: 2 }, 100));
        return check.update(await frameOf(turned(shown), NEUTRAL_POSE, 600));
      };
      expect(await run(side)).toMatchObject({ kind: 'granted', side, tookMs: 600 });
      expect(await run(side === 'left' ? 'right' : 'left')).toMatchObject({ kind: 'denied', reason: 'wrong-side' });
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('never grants the frontal photo moved, scaled, rolled and tilted up to 30°', async () => {
    const poses: PhotoPose[] = [
      NEUTRAL_POSE,
      { ...NEUTRAL_POSE, shiftX: 3, shiftY: 2 },
      { ...NEUTRAL_POSE, shiftX: -90, shiftY: 40 },
      { ...NEUTRAL_POSE, scale: 0.8 },
      { ...NEUTRAL_POSE, scale: 1.3 },
      ...[-15, 15].map((roll) => ({ ...NEUTRAL_POSE, roll })),
      ...[0, 90].flatMap((tiltAxis) => [-30, -15, 15, 30].map((tilt) => ({ ...NEUTRAL_POSE, tilt, tiltAxis }))),
    ];
    const frames: LivenessFrame[] = [];
    for (const [i, pose] of poses.entries()) frames.push(await frameOf(chosen.frontal.photo, pose, i * 300));
    // Either side, armed at any frame: the poses play in order, then in reverse, as a hand would move.
    for (const seed of [seedFor('left'), seedFor('right')]) {
      const check = new LivenessCheck(undefined, createRng(seed));
      const back = [...frames].reverse().map((f, i) => ({ ...f, at: (poses.length + i) * 300 }));
      const states = [...frames, ...back].map((f) => check.update(f));
      expect(states.some((s) => s.kind === 'challenge')).toBe(true);
      expect(states.filter((s) => s.kind === 'granted')).toEqual([]);
    }
  });
});
