import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACE_CONFIG } from '../../src/config';
import { createFaceDetector, type FaceDetector } from '../../src/face';
import { CHIP_SIZE } from '../../src/facerec';
import { decodeJpeg, type Rgba } from '../codec';
import { useWasmBackend } from '../common/node-backend';
import { faceModelPath, fileModelHandler, lfwPath } from '../lfw';
import { alignedChips, CHIP_FUNCTIONS, createChipFunction } from './chips';

let detector: FaceDetector;
beforeAll(async () => {
  await useWasmBackend();
  detector = await createFaceDetector({
    ...DEFAULT_FACE_CONFIG,
    model: fileModelHandler(faceModelPath(DEFAULT_FACE_CONFIG.variant)),
  });
});
afterAll(() => detector.dispose());

const photo = (person: string, index: number): Rgba =>
  decodeJpeg(new Uint8Array(readFileSync(lfwPath(person, index))), `${person}_${index}`);

/** Mean absolute difference of the RGB values of two 150×150 chips (RGB or RGBA). */
function meanDiff(a: { data: ArrayLike<number> }, b: { data: ArrayLike<number> }): number {
  const rgb = (c: { data: ArrayLike<number> }) => {
    const step = c.data.length / (CHIP_SIZE * CHIP_SIZE);
    return Array.from({ length: CHIP_SIZE * CHIP_SIZE * 3 }, (_, i) => c.data[Math.floor(i / 3) * step + (i % 3)]!);
  };
  const x = rgb(a);
  const y = rgb(b);
  return x.reduce((s, v, i) => s + Math.abs(v - y[i]!), 0) / x.length;
}

describe("the 'aligned' chip function", () => {
  it('is listed and makes a 150×150 RGB chip of an LFW face that differs from the center chip, leaving no tensors', async () => {
    expect(Object.keys(CHIP_FUNCTIONS)).toContain('aligned');
    const image = photo('Aaron_Eckhart', 1);
    const aligned = await alignedChips(detector);
    const center = await createChipFunction('center');
    const before = tf.memory().numTensors;
    const a = await aligned.chip('Aaron_Eckhart/Aaron_Eckhart_0001.jpg', image);
    expect(tf.memory().numTensors).toBe(before);
    const c = await center.chip('Aaron_Eckhart/Aaron_Eckhart_0001.jpg', image);
    expect([a.width, a.height, a.data.length]).toEqual([CHIP_SIZE, CHIP_SIZE, CHIP_SIZE * CHIP_SIZE * 3]);
    expect(Math.min(...a.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.data)).toBeLessThanOrEqual(255);
    // Same face, other framing: clearly different pixels, but a face chip (not black, not flat).
    expect(meanDiff(a, c)).toBeGreaterThan(5);
    expect(Math.max(...a.data) - Math.min(...a.data)).toBeGreaterThan(100);
    expect(aligned.describe()).toMatch(/1 photos; no face found in 0/);
    aligned.dispose();
    center.dispose();
  });

  it('falls back to the center chip where no face is found, and counts the photo', async () => {
    // A pattern with no face in it (stripes of several colours), so that the fallback is not flat.
    const pattern: Rgba = {
      width: 250,
      height: 250,
      data: Uint8Array.from(
        { length: 250 * 250 * 4 },
        (_, i) => ((i % 4) * 60 + Math.floor(i / 4 / 250) * 3 + (Math.floor(i / 4) % 250)) % 256,
      ),
    };
    const aligned = await alignedChips(detector);
    const center = await createChipFunction('center');
    const before = tf.memory().numTensors;
    const a = await aligned.chip('pattern.jpg', pattern);
    expect(tf.memory().numTensors).toBe(before);
    const c = await center.chip('pattern.jpg', pattern);
    expect(meanDiff(c, { data: new Uint8Array(c.data.length) })).toBeGreaterThan(10);
    // The same central square: the app warps it with tf.js (src/facerec centerChip), the 'center'
    // chip resizes it with the Node codec, so they differ by rounding only.
    expect(meanDiff(a, c)).toBeLessThan(1);
    expect(aligned.describe()).toMatch(/1 photos; no face found in 1.*pattern\.jpg/);
    aligned.dispose();
    center.dispose();
    // The caller's detector is not disposed by the chip function.
    expect(await detector.detect(pattern)).toEqual([]);
  });
});
