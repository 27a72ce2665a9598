import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PreprocessError, preprocess, preprocessBatch, type PixelData } from './preprocess';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** An RGBA image whose pixel (x, y) is f(x, y) = [r, g, b]. */
function image(width: number, height: number, f: (x: number, y: number) => [number, number, number], channels: 3 | 4 = 4): PixelData {
  const data = new Uint8ClampedArray(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      data.set(f(x, y), i);
      if (channels === 4) data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('preprocess', () => {
  it('slices the square, resizes with half-pixel centres (TF2 tf.image.resize) and scales to [0, 1]', () => {
    // 2×2 → 3×3: TF2 gives [p0, (p0 + p1) / 2, p1] along each axis.
    const img = image(2, 2, (x, y) => [x * 255, y * 255, 51]);
    const t = preprocess(img, 3);
    expect(t.shape).toEqual([3, 3, 3]);
    expect(t.dtype).toBe('float32');
    const red = values(tf.tidy(() => tf.slice(t, [0, 0, 0], [1, 3, 1])));
    const green = values(tf.tidy(() => tf.slice(t, [0, 0, 1], [3, 1, 1])));
    expect(red).toEqual([0, 0.5, 1]);
    expect(green).toEqual([0, 0.5, 1]);
    expect(values(tf.tidy(() => tf.slice(t, [0, 0, 2], [3, 3, 1]))).every((v) => Math.abs(v - 0.2) < 1e-7)).toBe(true);
    t.dispose();
  });

  it('downscales 2× by averaging 2×2 blocks, only inside the square', () => {
    // A 6×5 image; the square at (1, 1) of size 4 has blocks with known means.
    const img = image(6, 5, (x, y) => [(x * 40 + y * 10) % 256, 200, x === 0 || y === 0 ? 255 : 0]);
    const t = preprocess(img, 2, { x: 1, y: 1, size: 4 });
    const px = (x: number, y: number) => (x * 40 + y * 10) % 256;
    const mean = (x0: number, y0: number) => (px(x0, y0) + px(x0 + 1, y0) + px(x0, y0 + 1) + px(x0 + 1, y0 + 1)) / 4 / 255;
    const got = values(t);
    const expected = [mean(1, 1), 200 / 255, 0, mean(3, 1), 200 / 255, 0, mean(1, 3), 200 / 255, 0, mean(3, 3), 200 / 255, 0];
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    t.dispose();
  });

  it('gives the same result for RGB and RGBA data, values in [0, 1]', () => {
    const f = (x: number, y: number): [number, number, number] => [(x * 7 + y * 13) % 256, (x * y) % 256, 255 - ((x + y) % 256)];
    const rgba = preprocess(image(250, 250, f, 4), 100);
    const rgb = preprocess(image(250, 250, f, 3), 100);
    const a = values(rgba);
    expect(a).toEqual(values(rgb));
    expect(a.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.max(...a)).toBeGreaterThan(0.9);
    tf.dispose([rgba, rgb]);
  });

  it('defaults to the largest centred square', () => {
    const img = image(8, 4, (x) => [x < 2 || x >= 6 ? 255 : 0, 0, 0]);
    const t = preprocess(img, 4);
    expect(values(t).filter((_, i) => i % 3 === 0)).toEqual(new Array(16).fill(0));
    t.dispose();
  });

  it('rejects squares outside the image and malformed pixels, naming the values', () => {
    const img = image(10, 10, () => [0, 0, 0]);
    expect(() => preprocess(img, 4, { x: 5, y: 0, size: 6 })).toThrow(/x 5, y 0, size 6 does not fit in the 10×10 image/);
    expect(() => preprocess(img, 4, { x: 0.5, y: 0, size: 4 })).toThrow(PreprocessError);
    expect(() => preprocess({ data: new Uint8Array(10 * 10 * 2), width: 10, height: 10 }, 4)).toThrow(/neither RGBA nor RGB/);
    expect(() => preprocess({ data: new Uint8Array(0), width: 0, height: 0 }, 4)).toThrow(/empty/);
    expect(() => preprocess(img, 0)).toThrow(/inputSize 0/);
  });
});

describe('preprocessBatch', () => {
  it('stacks preprocess results in order, with per-image squares', () => {
    const a = image(20, 20, () => [255, 0, 0]);
    const b = image(30, 20, (x) => [0, x < 10 ? 255 : 0, 0]);
    const batch = preprocessBatch([a, b], 5, [
      { x: 0, y: 0, size: 20 },
      { x: 0, y: 0, size: 10 },
    ]);
    expect(batch.shape).toEqual([2, 5, 5, 3]);
    const one = preprocess(b, 5, { x: 0, y: 0, size: 10 });
    expect(values(tf.tidy(() => tf.slice(batch, [1, 0, 0, 0], [1, 5, 5, 3])))).toEqual(values(one));
    expect(values(tf.tidy(() => tf.slice(batch, [0, 0, 0, 0], [1, 1, 1, 3])))).toEqual([1, 0, 0]);
    tf.dispose([batch, one]);
    expect(() => preprocessBatch([a, b], 5, [{ x: 0, y: 0, size: 20 }])).toThrow(/1 squares for 2 images/);
    expect(() => preprocessBatch([], 5)).toThrow(PreprocessError);
  });

  it('leaks no tensors, on success or failure', () => {
    const img = image(50, 40, (x, y) => [x, y, 0]);
    const before = tf.memory().numTensors;
    tf.dispose([preprocess(img, 16), preprocessBatch([img, img], 16)]);
    expect(() => preprocessBatch([img, { data: new Uint8Array(3), width: 5, height: 5 }], 16)).toThrow(PreprocessError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
