/**
 * Reading camera bytes without a full-frame tensor (pixels.ts) gives the values the tensor path
 * gives: block means equal a 'valid' average pool, a chip warped from bytes equals the chip warped
 * from the same image as a tensor (faces inside, at and past the frame's edges, rotated, shrunk),
 * and the detector finds the same faces in bytes as in a tensor.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../data';
import { warpChip, type Similarity } from './align';
import { createFaceDetector, type FaceDetector } from './detector';
import { blockMeanRgb } from './pixels';
import { faceModelPath, fileModelHandler, lfwPath, readJpeg, webcamFrame, type RgbaImage } from '../../tools/lfw';

let detector: FaceDetector;

beforeAll(async () => {
  await tf.setBackend('wasm');
  detector = await createFaceDetector({ model: fileModelHandler(faceModelPath('short')) });
});
afterAll(() => detector.dispose());

/** Seeded random RGBA bytes. */
function noise(w: number, h: number, seed: number): RgbaImage {
  const rng = createRng(seed);
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rng() * 256);
  return { data, width: w, height: h };
}

const asTensor = (img: RgbaImage) => tf.tensor3d(new Int32Array(img.data), [img.height, img.width, 4], 'int32');

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const v = (await d.data())[0]!;
  d.dispose();
  return v;
}

describe('blockMeanRgb', () => {
  it('equals an average pool of the region, RGB, from RGBA or RGB bytes', async () => {
    const img = noise(37, 29, 1);
    const rgb = { data: img.data.filter((_, i) => i % 4 !== 3), width: 37, height: 29 };
    for (const k of [1, 2, 3, 5]) {
      const region = { x: 4, y: 3, width: 6 * k, height: 4 * k };
      const mine = blockMeanRgb(img, region, k);
      const fromRgb = blockMeanRgb(rgb, region, k);
      const want = tf.tidy(() => {
        const t = tf.slice(tf.cast(asTensor(img), 'float32'), [region.y, region.x, 0], [region.height, region.width, 3]) as tf.Tensor3D;
        return k === 1 ? t : tf.avgPool(t, k, k, 'valid');
      });
      expect(mine.shape).toEqual([4, 6, 3]);
      expect(await maxDiff(mine, want)).toBeLessThan(1e-3);
      expect(await maxDiff(fromRgb, want)).toBeLessThan(1e-3);
      tf.dispose([mine, fromRgb, want]);
    }
  });

  it('refuses a region off the block grid or past the image, and bytes of the wrong length', () => {
    const img = noise(20, 20, 2);
    expect(() => blockMeanRgb(img, { x: 0, y: 0, width: 7, height: 6 }, 2)).toThrow(/whole 2-pixel blocks/);
    expect(() => blockMeanRgb(img, { x: 16, y: 0, width: 6, height: 6 }, 2)).toThrow(/inside 20×20/);
    expect(() => blockMeanRgb({ data: new Uint8Array(10), width: 20, height: 20 }, { x: 0, y: 0, width: 2, height: 2 }, 1)).toThrow(
      /do not make an RGB or RGBA image/,
    );
  });
});

describe('warpChip on bytes', () => {
  it('equals the tensor path for chips inside, across and past the frame, rotated and shrunk', async () => {
    const before = tf.memory().numTensors;
    const img = noise(160, 120, 3);
    const image = asTensor(img);
    const rng = createRng(4);
    const cases: Similarity[] = [
      { a: 1, b: 0, tx: -20, ty: -10 }, // scale 1, inside
      { a: 0.5, b: 0, tx: 5, ty: 2 }, // 2:1 shrink, k = 2, reaching the right and bottom edges
      { a: 0.3, b: 0.1, tx: 30, ty: -5 }, // rotated, k = 3
      { a: 1.2, b: -0.4, tx: 100, ty: 80 }, // enlarged, mostly past the top left
      { a: 1, b: 0, tx: -500, ty: 0 }, // wholly outside: black
    ];
    for (let i = 0; i < 20; i++) {
      const s = 0.2 + rng() * 1.5;
      const angle = (rng() - 0.5) * 1.2;
      cases.push({ a: s * Math.cos(angle), b: s * Math.sin(angle), tx: (rng() - 0.6) * 120, ty: (rng() - 0.6) * 100 });
    }
    for (const t of cases) {
      const fromBytes = warpChip(img, t, 48);
      const fromTensor = warpChip(image, t, 48);
      expect(fromBytes.shape).toEqual([48, 48, 3]);
      expect(await maxDiff(fromBytes, fromTensor)).toBeLessThan(1e-2);
      tf.dispose([fromBytes, fromTensor]);
    }
    image.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the detector on bytes', () => {
  it('finds the same faces as in the same frame as a tensor', async () => {
    const frame = webcamFrame(readJpeg(lfwPath('Ann_Veneman', 1)));
    const tensor = asTensor(frame);
    const [fromBytes, fromTensor] = [await detector.detect(frame), await detector.detect(tensor)];
    tensor.dispose();
    expect(fromBytes.length).toBeGreaterThan(0);
    expect(fromBytes.length).toBe(fromTensor.length);
    fromBytes.forEach((f, i) => {
      const g = fromTensor[i]!;
      expect(f.score).toBeCloseTo(g.score, 4);
      f.keypoints.forEach((k, j) => {
        expect(k.x).toBeCloseTo(g.keypoints[j]!.x, 2);
        expect(k.y).toBeCloseTo(g.keypoints[j]!.y, 2);
      });
    });
  });
});
