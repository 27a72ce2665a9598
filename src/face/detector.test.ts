/**
 * The BlazeFace detector on real LFW photos, read from ../shared, with the app's own copy of the
 * models (public/models/face-detector). Runs on the wasm backend (the CPU backend takes ~1 s per
 * detect in Node).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACE_CONFIG, validateFaceConfig } from '../config';
import { shuffled } from '../data';
import { faceCrop } from './crop-rule';
import { createFaceDetector, FaceDetectorError, faceModelUrl, type FaceDetector } from './detector';
import {
  composeFrame,
  faceModelPath,
  fileModelHandler,
  lfwPath,
  readJpeg,
  readPeople,
  resizeRgba,
  webcamFrame,
  type RgbaImage,
} from '../../tools/lfw';

let detector: FaceDetector;

beforeAll(async () => {
  await tf.setBackend('wasm');
  detector = await createFaceDetector({ model: fileModelHandler(faceModelPath('short')) });
});
afterAll(() => detector.dispose());

/** Eight LFW photos of different people from the training split, drawn with a fixed seed. */
const photos = shuffled(readPeople('people-dev-train.tsv'), 7)
  .slice(0, 8)
  .map((p) => ({ name: p.name, image: readJpeg(lfwPath(p.name, 1)) }));

describe('face detector on LFW photos', () => {
  it('finds the face of each raw 250×250 photo; the crop is about the whole photo', async () => {
    for (const { name, image } of photos) {
      const faces = await detector.detect(image);
      const crop = faceCrop(faces, 250, 250, DEFAULT_FACE_CONFIG);
      expect(crop, name).not.toBeNull();
      const { box, score } = crop!.face;
      expect(score, name).toBeGreaterThanOrEqual(DEFAULT_FACE_CONFIG.scoreThreshold);
      expect(box.x, name).toBeGreaterThanOrEqual(0);
      expect(box.y, name).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, name).toBeLessThanOrEqual(250);
      expect(box.y + box.height, name).toBeLessThanOrEqual(250);
      expect(crop!.face.keypoints).toHaveLength(6);
      const { x, y, size } = crop!.square;
      expect(Math.abs(size - 250), `${name}: crop size ${size}`).toBeLessThanOrEqual(35);
      expect(Math.hypot(x + size / 2 - 125, y + size / 2 - 125), `${name}: crop centre`).toBeLessThanOrEqual(20);
    }
  });

  it('crops the pasted photo out of a webcam-like 640×480 frame', async () => {
    for (const { name, image } of photos) {
      const faces = await detector.detect(webcamFrame(image));
      const crop = faceCrop(faces, 640, 480, DEFAULT_FACE_CONFIG);
      expect(crop, name).not.toBeNull();
      const { x, y, size, clamped } = crop!.square;
      expect(clamped).toBe(false);
      // The photo lies at x 195, y 115, 250×250: the crop should be close to it.
      expect(Math.abs(size - 250), `${name}: crop size ${size}`).toBeLessThanOrEqual(40);
      expect(Math.hypot(x + size / 2 - 320, y + size / 2 - 240), `${name}: crop centre`).toBeLessThanOrEqual(20);
    }
  });

  it('takes the largest of two faces side by side and flags several faces', async () => {
    const big = photos[0]!.image;
    // 180 px: the short-range model finds faces in photos of 160 px and more in a 640×480 frame.
    const small = resizeRgba(photos[1]!.image, 180);
    for (const bigOnLeft of [true, false]) {
      const [bigX, smallX] = bigOnLeft ? [40, 400] : [350, 60];
      const frame = composeFrame(640, 480, 128, [
        { image: big, x: bigX, y: 115 },
        { image: small, x: smallX, y: 150 },
      ]);
      const faces = await detector.detect(frame);
      expect(faces.length).toBeGreaterThanOrEqual(2);
      const crop = faceCrop(faces, 640, 480, DEFAULT_FACE_CONFIG)!;
      expect(crop.multiple).toBe(true);
      const cx = crop.face.box.x + crop.face.box.width / 2;
      expect(cx).toBeGreaterThan(bigX);
      expect(cx).toBeLessThan(bigX + 250);
    }
  });

  it('gives the same faces for a tensor, RGBA bytes and RGB bytes', async () => {
    const frame = webcamFrame(photos[2]!.image);
    const rgb = new Uint8Array(640 * 480 * 3);
    for (let i = 0; i < 640 * 480; i++) rgb.set(frame.data.subarray(4 * i, 4 * i + 3), 3 * i);
    const tensor = tf.tensor3d(frame.data, [480, 640, 4], 'int32');
    const [a, b, c] = [
      await detector.detect(frame),
      await detector.detect({ data: rgb, width: 640, height: 480 }),
      await detector.detect(tensor),
    ];
    tensor.dispose();
    expect(a).toHaveLength(1);
    for (const other of [b, c]) {
      expect(other).toHaveLength(1);
      expect(other[0]!.score).toBeCloseTo(a[0]!.score, 4);
      expect(other[0]!.box.x).toBeCloseTo(a[0]!.box.x, 2);
      expect(other[0]!.box.width).toBeCloseTo(a[0]!.box.width, 2);
    }
  });
});

describe('no face', () => {
  const W = 640;
  const H = 480;
  const frame = (pixel: (x: number, y: number) => [number, number, number]): RgbaImage => {
    const data = new Uint8Array(W * H * 4);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([...pixel(x, y), 255], 4 * (y * W + x));
    return { data, width: W, height: H };
  };
  let seed = 12345;
  const noise = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
  const cases: [string, RgbaImage][] = [
    ['uniform grey', frame(() => [128, 128, 128])],
    ['random noise', frame(() => [noise(), noise(), noise()])],
    [
      'gradient with a checkerboard',
      frame((x, y) => ((Math.floor(x / 40) + Math.floor(y / 40)) % 2 ? [(x * 255) / W, 90, (y * 255) / H] : [30, (x * 200) / W, 60])),
    ],
  ];

  it.each(cases)('finds no face in %s', async (_name, image) => {
    const faces = await detector.detect(image);
    expect(faces).toEqual([]);
    expect(faceCrop(faces, W, H, DEFAULT_FACE_CONFIG)).toBeNull();
  });
});

describe('detector lifecycle', () => {
  it('leaks no tensors across repeated detects, nor after dispose', async () => {
    const image = webcamFrame(photos[3]!.image);
    const tensor = tf.tensor3d(image.data, [480, 640, 4], 'int32');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await detector.detect(image);
      await detector.detect(tensor);
    }
    await expect(detector.detect({ data: new Uint8Array(10), width: 640, height: 480 })).rejects.toMatchObject({ code: 'bad-input' });
    expect(tf.memory().numTensors).toBe(before);
    tensor.dispose();

    const beforeLoad = tf.memory().numTensors;
    const other = await createFaceDetector({ model: fileModelHandler(faceModelPath('short')) });
    expect(tf.memory().numTensors).toBeGreaterThan(beforeLoad);
    await other.detect(image);
    other.dispose();
    expect(tf.memory().numTensors).toBe(beforeLoad);
    await expect(other.detect(image)).rejects.toMatchObject({ code: 'disposed' });
  });

  it('rejects bad input with a typed error', async () => {
    const t = tf.zeros([4, 4]) as unknown as tf.Tensor3D;
    await expect(detector.detect(t)).rejects.toBeInstanceOf(FaceDetectorError);
    await expect(detector.detect(t)).rejects.toThrow(/got shape \[4, 4\]/);
    t.dispose();
  });

  it('rejects a model that is not the chosen variant', async () => {
    await expect(createFaceDetector({ variant: 'full', model: fileModelHandler(faceModelPath('short')) })).rejects.toMatchObject({
      code: 'model-mismatch',
    });
    await expect(createFaceDetector({ model: fileModelHandler('/nonexistent/model.json') })).rejects.toMatchObject({
      code: 'model-load-failed',
    });
  });

  it('runs the full-range model too', async () => {
    const full = await createFaceDetector({ variant: 'full', model: fileModelHandler(faceModelPath('full')) });
    expect(full.inputSize).toBe(192);
    const crop = faceCrop(await full.detect(webcamFrame(photos[4]!.image)), 640, 480, validateFaceConfig({ variant: 'full' }));
    expect(crop).not.toBeNull();
    expect(Math.hypot(crop!.square.x + crop!.square.size / 2 - 320, crop!.square.y + crop!.square.size / 2 - 240)).toBeLessThanOrEqual(15);
    full.dispose();
  });

  it("loads the app's own copy by default", () => {
    expect(faceModelUrl('short', '/')).toBe('/models/face-detector/facemesh-detection-short.json');
    expect(faceModelUrl('full', '/app')).toBe('/app/models/face-detector/facemesh-detection-full.json');
  });
});
