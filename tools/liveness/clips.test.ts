import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACE_CONFIG, DEFAULT_LIVENESS_CONFIG } from '../../src/config';
import { createFaceDetector, type FaceDetector } from '../../src/face';
import { rgbaToI420 } from '../codec';
import { useWasmBackend } from '../common/node-backend';
import { composeFrame, faceModelPath, fileModelHandler, lfwPath, readJpeg, webcamFrame } from '../lfw';
import {
  chooseLivePhotos,
  ffmpegPath,
  ffmpegPoseFrame,
  frameCue,
  makeLivenessClip,
  NEUTRAL_POSE,
  perspectiveCorners,
  photoCue,
  warpPhoto,
} from './index';

const dir = mkdtempSync(path.join(tmpdir(), 'liveness-clips-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PERSON = 'Richard_Gere';
const photos = Array.from({ length: 10 }, (_, i) => lfwPath(PERSON, i + 1));
const hasFfmpeg = ffmpegPath() !== null;

describe('perspectiveCorners', () => {
  it('leaves the frame as it is in the neutral pose', () => {
    expect(perspectiveCorners(NEUTRAL_POSE, 250, 250).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0, 0, 640, 0, 0, 480, 640, 480]);
  });
});

describe.skipIf(!hasFfmpeg)('ffmpeg spoof frames', () => {
  beforeAll(useWasmBackend);

  it('match tf.js warpPhoto of the same pose (same homography), tilted or rolled and moved', () => {
    const image = readJpeg(photos[0]!);
    const photo = tf.tensor3d(image.data, [image.height, image.width, 4], 'int32');
    try {
      for (const pose of [
        { ...NEUTRAL_POSE, tilt: 35, tiltAxis: 90 },
        { ...NEUTRAL_POSE, tilt: -30, tiltAxis: 45, roll: 12, scale: 0.8, shiftX: 60, shiftY: -30 },
      ]) {
        const ours = tf.tidy(() => warpPhoto(photo, pose).dataSync());
        const theirs = ffmpegPoseFrame(photos[0]!, pose, image.width, image.height);
        let sum = 0;
        for (let i = 0; i < theirs.length; i++) sum += Math.abs(theirs[i]! - ours[i]!);
        // Both interpolate bilinearly: about 0.2 levels apart on average; the photo shifted by one
        // pixel is about 0.8 away, the opposite tilt about 9.
        expect(sum / theirs.length, JSON.stringify(pose)).toBeLessThan(0.5);
      }
    } finally {
      photo.dispose();
    }
  });

  it('makes a spoof clip: one photo held in several poses', () => {
    const poses = [
      NEUTRAL_POSE,
      { ...NEUTRAL_POSE, tilt: 30, tiltAxis: 90 },
      { ...NEUTRAL_POSE, tilt: -30, tiltAxis: 90 },
      { ...NEUTRAL_POSE, roll: 15 },
    ];
    const clip = makeLivenessClip(
      path.join(dir, 'spoof.y4m'),
      poses.map((pose) => ({ photo: photos[0]!, pose, frames: 3 })),
      { fps: 15 },
    );
    expect(clip.frames).toBe(12);
    const bytes = readFileSync(clip.path);
    const header = 'YUV4MPEG2 W640 H480 F15:1 Ip A1:1 C420jpeg\n';
    const frame = 6 + 640 * 480 * 1.5;
    expect(bytes.length).toBe(header.length + 12 * frame);
    const lumaOf = (i: number) => bytes.subarray(header.length + i * frame + 6, header.length + i * frame + 6 + 640 * 480);
    expect(lumaOf(3).equals(lumaOf(5))).toBe(true); // a pose is held
    expect(lumaOf(0).equals(lumaOf(3))).toBe(false); // and the next one differs
  });
});

describe('live clips', () => {
  let detector: FaceDetector;
  beforeAll(async () => {
    await useWasmBackend();
    detector = await createFaceDetector({ model: fileModelHandler(faceModelPath(DEFAULT_FACE_CONFIG.variant)) });
  });
  afterAll(() => detector?.dispose());

  it('chooseLivePhotos picks a frontal photo and a clearly turned one to each side, by the cue', async () => {
    const before = tf.memory().numTensors;
    const chosen = await chooseLivePhotos(detector, photos);
    expect(tf.memory().numTensors).toBe(before);
    expect(chosen).not.toBeNull();
    const { frontal, left, right } = chosen!;
    const T = DEFAULT_LIVENESS_CONFIG.turnThreshold;
    expect(Math.abs(frontal.cue - DEFAULT_LIVENESS_CONFIG.frontalCentre)).toBeLessThanOrEqual(DEFAULT_LIVENESS_CONFIG.frontalBand);
    expect(left?.change).toBeGreaterThanOrEqual(1.5 * T);
    expect(right?.change).toBeLessThanOrEqual(-1.5 * T);
    expect((await photoCue(detector, left!.photo))! - frontal.cue).toBeCloseTo(left!.change, 9);
    // With a margin no photo reaches, no side.
    expect((await chooseLivePhotos(detector, photos, DEFAULT_LIVENESS_CONFIG, 100))?.left).toBeNull();
  });

  it("frameCue counts a frame's faces and reads the largest one's cue; photoCue is it on the photo pasted in a frame", async () => {
    const before = tf.memory().numTensors;
    const seen = await frameCue(detector, webcamFrame(readJpeg(photos[0]!)));
    expect(seen.faces).toBe(1);
    expect(seen.cue).not.toBeNull();
    expect(seen.cue).toBe(await photoCue(detector, photos[0]!));
    expect(await frameCue(detector, composeFrame(640, 480, 128, []))).toEqual({ faces: 0, cue: null });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('makes a live clip: the frontal photo, then the turned one, each pasted on grey as webcamFrame does', async () => {
    const clip = makeLivenessClip(path.join(dir, 'live.y4m'), [
      { photo: photos[0]!, frames: 2 },
      { photo: photos[1]!, frames: 3 },
    ]);
    expect(clip).toMatchObject({ frames: 5, fps: 10 });
    const bytes = readFileSync(clip.path);
    const header = 'YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n'.length;
    const frame = 6 + 640 * 480 * 1.5;
    const expected = rgbaToI420(webcamFrame(readJpeg(photos[1]!)).data, 640, 480);
    expect(bytes.subarray(header + 2 * frame + 6, header + 3 * frame).equals(expected)).toBe(true);
  });

  it('refuses empty clips, missing photos and bad frame counts', () => {
    expect(() => makeLivenessClip(path.join(dir, 'x.y4m'), [])).toThrow(/segment/);
    expect(() => makeLivenessClip(path.join(dir, 'x.y4m'), [{ photo: path.join(dir, 'none.jpg'), frames: 1 }])).toThrow(/no photo/);
    expect(() => makeLivenessClip(path.join(dir, 'x.y4m'), [{ photo: photos[0]!, frames: 0 }])).toThrow(/positive/);
  });
});
