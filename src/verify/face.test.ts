/**
 * Face mode of verification with the real BlazeFace detector (the app's own model files, wasm
 * backend) on LFW photos in webcam-like 640×480 frames, and a small Siamese network: the crop
 * comes from the frame the face was found on, a frame without a face is never verified (so never
 * granted), and nothing leaks over many frames.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CAPTURE_CONFIG, DEFAULT_FACE_CONFIG } from '../config';
import { captureSquare, shuffled } from '../data';
import { createFaceDetector, faceCrop, type FaceDetector } from '../face';
import { composeFrame, faceModelPath, fileModelHandler, lfwPath, readJpeg, readPeople, webcamFrame, type RgbaImage } from '../../tools/lfw';
import { buildSiamese, disposeNetwork, preprocess, type SiameseNetwork } from '../model';
import { useWasmBackend } from '../../tools/common/node-backend';
import { imageInput, verifyCropped, type CropSource } from './cropped';
import { decide, type Decision } from './decision';
import { FaceTracker, runFaceTracking } from './faceTracker';
import { runVerificationLoop } from './loop';
import { createVerifier, type Verifier } from './verifier';

const SIZE = 64;
const thresholds = { detectionThreshold: 0.5, verificationThreshold: 0.5 };

let detector: FaceDetector;
let net: SiameseNetwork;
let verifier: Verifier;

/** Four LFW people from the training split, a fixed seed. */
const photos = shuffled(readPeople('people-dev-train.tsv'), 3)
  .slice(0, 4)
  .map((p) => readJpeg(lfwPath(p.name, 1)));
const faceFrames = photos.map((p) => webcamFrame(p));

/** Frames without a face: a blank (uniform) frame and a structured non-face image. */
function pattern(pixel: (x: number, y: number) => [number, number, number]): RgbaImage {
  const data = new Uint8Array(640 * 480 * 4);
  for (let y = 0; y < 480; y++) for (let x = 0; x < 640; x++) data.set([...pixel(x, y), 255], 4 * (y * 640 + x));
  return { data, width: 640, height: 480 };
}
const blank = composeFrame(640, 480, 128, []);
const nonFace = pattern((x, y) =>
  (Math.floor(x / 32) + Math.floor(y / 24)) % 2 ? [(x * 255) / 640, 200 - (y * 150) / 480, 90] : [20, (x * 180) / 640, (y * 255) / 480],
);

beforeAll(async () => {
  await useWasmBackend();
  detector = await createFaceDetector({ model: fileModelHandler(faceModelPath('short')) });
  net = buildSiamese({ inputSize: SIZE, filters: [4, 8, 8, 8], embeddingSize: 16 });
  verifier = createVerifier(net);
  const images = tf.randomUniform([3, SIZE, SIZE, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
  verifier.setVerificationImages(images);
  images.dispose();
});

afterAll(() => {
  verifier.dispose();
  disposeNetwork(net);
  detector.dispose();
});

function faceSource(tracker: FaceTracker): CropSource {
  return { mode: 'face', detect: (pixels) => tracker.detect(pixels), refine: tracker.refine };
}

describe('verifyCropped in face mode', () => {
  it('verifies the crop of the face found on the same frame', async () => {
    const tracker = new FaceTracker({ detector });
    for (const frame of faceFrames) {
      let seen: number[] | null = null;
      const out = await verifyCropped(frame, faceSource(tracker), imageInput(SIZE), async (input) => {
        seen = Array.from(await input.data());
        return verifier.verify(input, thresholds);
      });
      expect(out.face).not.toBeNull();
      expect(out.face!.crop).not.toBeNull();
      expect(out.face!.crop!.face.score).toBeGreaterThanOrEqual(DEFAULT_FACE_CONFIG.scoreThreshold);
      expect(out.face!.found).toBe(1);
      // The square is the crop rule's for this frame's detections, and the verified input is that
      // square of this frame.
      expect(out.square).toEqual(faceCrop(out.face!.faces, 640, 480, DEFAULT_FACE_CONFIG)!.square);
      const expected = preprocess(frame, SIZE, out.square!);
      const want = Array.from(await expected.data());
      expected.dispose();
      expect(seen).toEqual(want);
      // Around the pasted photo (x 195, y 115, 250×250), not the fixed square by accident.
      const { x, y, size } = out.square!;
      expect(Math.hypot(x + size / 2 - 320, y + size / 2 - 240)).toBeLessThanOrEqual(20);
      expect((out.result as Decision).n).toBe(3);
      // The tracker published this frame's detection.
      expect(tracker.getSnapshot()).toBe(out.face);
    }
  });

  it.each([
    ['a blank frame', blank],
    ['a non-face image', nonFace],
  ])('gives NO FACE for %s: nothing is verified, so nothing is granted', async (_name, frame) => {
    const tracker = new FaceTracker({ detector });
    let calls = 0;
    // A verify that would grant anything it saw: it must never see this frame.
    const out = await verifyCropped(frame, faceSource(tracker), imageInput(SIZE), async () => {
      calls++;
      return decide([1, 1, 1], thresholds);
    });
    expect(calls).toBe(0);
    expect(out).toMatchObject({ square: null, result: null });
    expect(out.face!.crop).toBeNull();
    expect(out.face!.faces).toEqual([]);
    expect(out.face!.found).toBe(0);
    expect(out.face!.detectMs).toBeGreaterThan(0);
    expect(tracker.getSnapshot()!.crop).toBeNull();
  });

  it("verifies the fixed square in 'fixed' mode, face or not", async () => {
    const square = captureSquare(640, 480, DEFAULT_CAPTURE_CONFIG);
    for (const frame of [faceFrames[0]!, blank]) {
      let seen: number[] | null = null;
      const out = await verifyCropped(frame, { mode: 'fixed', square }, imageInput(SIZE), async (input) => {
        seen = Array.from(await input.data());
        return verifier.verify(input, thresholds);
      });
      expect(out.square).toEqual(square);
      expect(out.face).toBeNull();
      const expected = preprocess(frame, SIZE, square);
      expect(seen).toEqual(Array.from(await expected.data()));
      expected.dispose();
    }
  });
});

describe('no tensor leaks', () => {
  it('keeps tf.memory().numTensors flat over a verification loop of many frames, with faces and without', async () => {
    const tracker = new FaceTracker({ detector });
    const frames = [...faceFrames, blank, nonFace];
    const source = faceSource(tracker);
    // Warm-up (kernels and backend caches), then count.
    await verifyCropped(frames[0]!, source, imageInput(SIZE), (input) => verifier.verify(input, thresholds));
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let i = 0;
    let found = 0;
    let missed = 0;
    const stats = await runVerificationLoop({
      grab: () => ({ pixels: frames[i++ % frames.length]!, dispose: () => undefined }),
      verify: (f) => verifyCropped(f.pixels, source, imageInput(SIZE), (input) => verifier.verify(input, thresholds)),
      onResult: ({ result }) => {
        if (result.result === null) missed++;
        else found++;
        expect(tf.memory().numTensors).toBe(before);
        if (found + missed === 30) controller.abort();
      },
      signal: controller.signal,
      nextTick: () => Promise.resolve(),
    });
    expect(stats.frames).toBe(30);
    expect(found).toBe(20); // 4 of every 6 frames show a face
    expect(missed).toBe(10);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

describe('FaceTracker', () => {
  it('publishes each detection unless a newer frame was published meanwhile', async () => {
    let clock = 0;
    const tracker = new FaceTracker({ detector, now: () => clock });
    const seen: (number | null)[] = [];
    tracker.subscribe(() => seen.push(tracker.getSnapshot()?.at ?? null));
    expect(tracker.age()).toBe(Infinity);
    // Two detections in flight: the newer frame finishes first; the older one is not published.
    const newer = tracker.detect(faceFrames[0]!, 20);
    const older = tracker.detect(faceFrames[1]!, 10);
    await Promise.all([newer, older]);
    expect(seen[0]).toBe(20);
    expect(tracker.getSnapshot()!.at).toBe(20);
    clock = 70;
    expect(tracker.age()).toBe(50);
    tracker.clear();
    expect(tracker.getSnapshot()).toBeNull();
  });

  it('runFaceTracking detects only when the latest detection is older than the interval', async () => {
    let clock = 0;
    let detects = 0;
    const counting = { detect: (p: Parameters<FaceDetector['detect']>[0]) => (detects++, detector.detect(p)) };
    const tracker = new FaceTracker({ detector: counting, now: () => clock });
    const controller = new AbortController();
    let ticks = 0;
    let grabs = 0;
    await runFaceTracking({
      tracker,
      intervalMs: 100,
      grab: () => (grabs++, faceFrames[2]!),
      signal: controller.signal,
      nextTick: async () => {
        ticks++;
        clock += 25; // a tick every 25 ms: one detection per 4 ticks
        if (ticks === 8) {
          // Someone else (a verification frame) detects: the next due detection is skipped.
          await tracker.detect(faceFrames[3]!, clock);
        }
        if (ticks === 16) controller.abort();
      },
    });
    // Ticks at 0, 100, 200 (+ the other's at 200), 300, … : 16 ticks of 25 ms → detections at
    // clock 0, 100, 300 by the loop (200 was fresh from the other detection), plus the other one.
    expect(grabs).toBe(3);
    expect(detects).toBe(4);
    expect(tracker.getSnapshot()!.crop).not.toBeNull();
  });
});
