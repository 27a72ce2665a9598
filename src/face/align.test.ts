/**
 * The chip warp (warpChip, alignFace) on synthetic images and on real LFW photos found by the
 * app's short-range detector, on the wasm backend: pixels land where the transform says, the
 * refined keypoints are the face's, the eyes come out level at the template's positions, a rotated photo gives nearly the same chip,
 * and no tensor is left over.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shuffled } from '../data';
import {
  alignFace,
  alignmentTransform,
  applySimilarity,
  chipTemplate,
  DEFAULT_ALIGN,
  invertSimilarity,
  refineFace,
  squareTransform,
  warpChip,
  type Similarity,
} from './align';
import type { Face } from './decode';
import { createFaceDetector, type FaceDetector } from './detector';
import { locateFace } from './locate';
import { composeFrame, faceModelPath, fileModelHandler, lfwPath, readJpeg, readPeople, type RgbaImage } from '../../tools/lfw';

let detector: FaceDetector;

beforeAll(async () => {
  await tf.setBackend('wasm');
  detector = await createFaceDetector({ model: fileModelHandler(faceModelPath('short')) });
});
afterAll(() => detector.dispose());

/** A w×h RGBA image whose red channel is the column, green the row, blue 7 (alpha 255). */
function ramp(w: number, h: number): RgbaImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x, y, 7, 255], (y * w + x) * 4);
  return { data, width: w, height: h };
}

/** An RGBA image from a [h, w, 3] float tensor (rounded, clipped). */
function toRgba(chip: tf.Tensor3D): RgbaImage {
  const [h, w] = chip.shape;
  const rgb = tf.tidy(() => tf.clipByValue(tf.round(chip), 0, 255).dataSync());
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!, 255], 4 * i);
  return { data, width: w, height: h };
}

const eye = (face: Face, name: 'rightEye' | 'leftEye') => face.keypoints.find((k) => k.name === name)!;

describe('warpChip', () => {
  it('cuts a square at scale 1 pixel for pixel, RGB, from RGBA bytes or a tensor alike', () => {
    const before = tf.memory().numTensors;
    const image = ramp(200, 180);
    const chip = warpChip(image, squareTransform({ x: 10, y: 20, size: 150 }, 150), 150);
    expect(chip.shape).toEqual([150, 150, 3]);
    expect(chip.dtype).toBe('float32');
    const v = chip.arraySync();
    expect(v[0]![0]).toEqual([10, 20, 7]);
    expect(v[149]![149]).toEqual([159, 169, 7]);
    expect(v[40]![3]).toEqual([13, 60, 7]);
    const asTensor = tf.tensor3d(image.data, [180, 200, 4], 'int32');
    const chip2 = warpChip(asTensor, squareTransform({ x: 10, y: 20, size: 150 }, 150), 150);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(chip, chip2))).dataSync()[0])).toBe(0);
    tf.dispose([chip, chip2, asTensor]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('samples where the transform says: a point of the image lands on its image in the chip (rotation, scale)', () => {
    const before = tf.memory().numTensors;
    const image = ramp(240, 240);
    // 30° rotation, scale 1.2, about the image centre onto the chip centre.
    const r = Math.PI / 6;
    const s = 1.2;
    const a = s * Math.cos(r);
    const b = s * Math.sin(r);
    const t: Similarity = { a, b, tx: 75 - (a * 120 - b * 120), ty: 75 - (b * 120 + a * 120) };
    const chip = warpChip(image, t, 150);
    const v = chip.arraySync();
    const inv = invertSimilarity(t);
    for (const [cx, cy] of [
      [75, 75],
      [40, 100],
      [110, 30],
    ] as const) {
      // Chip pixel (cx, cy) has its centre at (cx + ½, cy + ½); the image's red/green there are x − ½, y − ½.
      const p = applySimilarity(inv, { x: cx + 0.5, y: cy + 0.5 });
      expect(v[cy]![cx]![0]).toBeCloseTo(p.x - 0.5, 3);
      expect(v[cy]![cx]![1]).toBeCloseTo(p.y - 0.5, 3);
    }
    tf.dispose(chip);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('averages blocks before shrinking by 2 or more (no aliasing), and fills outside the image with black', () => {
    const before = tf.memory().numTensors;
    // A 1-pixel checkerboard: bilinear sampling at scale ¼ alone would pick pure black or white.
    const w = 600;
    const data = new Uint8Array(w * w * 4);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) data.set((x + y) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255], (y * w + x) * 4);
    const chip = warpChip({ data, width: w, height: w }, squareTransform({ x: 0, y: 0, size: 600 }, 150), 150);
    const values = chip.dataSync();
    expect(Math.min(...values)).toBeGreaterThan(120);
    expect(Math.max(...values)).toBeLessThan(135);
    // Half the chip beyond the right edge of a 100×100 image.
    const out = warpChip(ramp(100, 100), squareTransform({ x: 50, y: 0, size: 100 }, 100), 100);
    const o = out.arraySync();
    expect(o[50]![20]).toEqual([70, 50, 7]);
    expect(o[50]![80]).toEqual([0, 0, 0]);
    tf.dispose([chip, out]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses an image that is not RGB or RGBA and a bad size', () => {
    expect(() => warpChip({ data: new Uint8Array(10), width: 3, height: 3 }, squareTransform({ x: 0, y: 0, size: 3 }, 3), 3)).toThrow(
      /RGB/,
    );
    expect(() => warpChip(ramp(4, 4), squareTransform({ x: 0, y: 0, size: 4 }, 4), 0)).toThrow(/size/);
  });
});

/** Eight LFW photos of different people from the training split, drawn with a fixed seed. */
const photos = shuffled(readPeople('people-dev-train.tsv'), 23)
  .slice(0, 8)
  .map((p) => ({ name: p.name, image: readJpeg(lfwPath(p.name, 1)) }));

/** The face as the app finds it in a still image, with its keypoints refined for alignment. */
async function findFace(image: RgbaImage, name: string): Promise<Face> {
  const crop = await locateFace(detector, image);
  expect(crop, name).not.toBeNull();
  return refineFace(detector, image, crop!.face);
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('refineFace and alignFace on LFW photos', () => {
  it('refines the keypoints: the same face, keypoints within a few pixels of the first detection', async () => {
    const before = tf.memory().numTensors;
    for (const { name, image } of photos.slice(0, 4)) {
      const crop = await locateFace(detector, image);
      const refined = await refineFace(detector, image, crop!.face);
      expect(refined, name).not.toBe(crop!.face); // found again in the region, not the fallback
      // BlazeFace's right eye is the person's right, on the image's left.
      expect(eye(refined, 'rightEye').x, name).toBeLessThan(eye(refined, 'leftEye').x);
      for (const [i, k] of refined.keypoints.entries()) {
        const k0 = crop!.face.keypoints[i]!;
        expect(k.name).toBe(k0.name);
        expect(Math.hypot(k.x - k0.x, k.y - k0.y), `${name} ${k.name}`).toBeLessThan(15);
      }
    }
    // No face in a grey image region: the face comes back unchanged.
    const grey = composeFrame(250, 250, 128, []);
    const { face } = (await locateFace(detector, photos[0]!.image))!;
    expect(await refineFace(detector, grey, face)).toBe(face);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("gives a chip where the detector finds the eyes level, at the template's positions", async () => {
    // The eye-distance scale, which puts the eyes exactly on the template's (eyesMouth, the
    // default, moves them by the face's own proportions).
    const config = { ...DEFAULT_ALIGN, scale: 'eyes' } as const;
    const template = chipTemplate(config);
    const before = tf.memory().numTensors;
    const tilt: number[] = [];
    const offset: number[] = [];
    for (const { name, image } of photos) {
      const chip = alignFace(image, await findFace(image, name), config);
      expect(chip.shape).toEqual([150, 150, 3]);
      // The chip on a grey canvas the size of the photo, so that the detector sees the face at
      // the scale it saw it in the photo.
      const canvas = composeFrame(250, 250, 128, [{ image: toRgba(chip), x: 50, y: 50 }]);
      chip.dispose();
      const again = await findFace(canvas, `${name} (chip)`);
      const r = eye(again, 'rightEye');
      const l = eye(again, 'leftEye');
      const figures = `${name}: eyes in the chip (${(r.x - 50).toFixed(1)}, ${(r.y - 50).toFixed(1)}) and (${(l.x - 50).toFixed(1)}, ${(l.y - 50).toFixed(1)})`;
      tilt.push(Math.abs(l.y - r.y));
      offset.push(
        Math.hypot(r.x - 50 - template.rightEye.x, r.y - 50 - template.rightEye.y),
        Math.hypot(l.x - 50 - template.leftEye.x, l.y - 50 - template.leftEye.y),
      );
      // Each photo: BlazeFace's keypoints repeat within a few pixels, not exactly.
      expect(tilt.at(-1), figures).toBeLessThan(5);
      expect(Math.max(...offset.slice(-2)), figures).toBeLessThan(6);
    }
    expect(median(tilt), `|Δy| of the eyes: ${tilt.map((v) => v.toFixed(1)).join(', ')}`).toBeLessThanOrEqual(2);
    expect(median(offset), `eye offsets: ${offset.map((v) => v.toFixed(1)).join(', ')}`).toBeLessThanOrEqual(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives nearly the same chip for a rotated copy of the photo', async () => {
    const before = tf.memory().numTensors;
    const shifts: number[] = [];
    for (const { name, image } of photos.slice(0, 4)) {
      const face = await findFace(image, name);
      // The photo turned by 20° about its centre, on a 300×300 canvas so that nothing is cut off.
      const r = (20 * Math.PI) / 180;
      const turn: Similarity = {
        a: Math.cos(r),
        b: Math.sin(r),
        tx: 150 - (Math.cos(r) * 125 - Math.sin(r) * 125),
        ty: 150 - (Math.sin(r) * 125 + Math.cos(r) * 125),
      };
      const turnedChip = warpChip(image, turn, 300);
      const turned = toRgba(turnedChip);
      turnedChip.dispose();
      const face2 = await findFace(turned, `${name} (turned)`);
      // Where each chip puts the photo's eyes: the same place, within a few pixels.
      const m = alignmentTransform(face.keypoints, DEFAULT_ALIGN);
      const m2 = alignmentTransform(face2.keypoints, DEFAULT_ALIGN);
      // BlazeFace places its keypoints a little differently on a turned face: 2–5 px here.
      for (const k of ['rightEye', 'leftEye'] as const) {
        const p = applySimilarity(m, eye(face, k));
        const q = applySimilarity(m2, applySimilarity(turn, eye(face, k)));
        shifts.push(Math.hypot(p.x - q.x, p.y - q.y));
        expect(shifts.at(-1), `${name} ${k}`).toBeLessThan(6);
      }
      // And the pixels agree: the correlation of the two chips, against that of another person's.
      const a = alignFace(image, face);
      const b = alignFace(turned, face2);
      const other = alignFace(photos[7]!.image, await findFace(photos[7]!.image, photos[7]!.name));
      const corr = (x: tf.Tensor, y: tf.Tensor) =>
        tf.tidy(() => {
          const dx = tf.sub(x, tf.mean(x));
          const dy = tf.sub(y, tf.mean(y));
          return tf.div(tf.sum(tf.mul(dx, dy)), tf.sqrt(tf.mul(tf.sum(tf.square(dx)), tf.sum(tf.square(dy))))).dataSync()[0]!;
        });
      const same = corr(a, b);
      const different = corr(a, other);
      tf.dispose([a, b, other]);
      const figures = `${name}: ${same.toFixed(3)} vs ${different.toFixed(3)} with ${photos[7]!.name}`;
      expect(same, figures).toBeGreaterThan(0.75);
      expect(same - different, figures).toBeGreaterThan(0.4);
    }
    expect(shifts.reduce((a, b) => a + b, 0) / shifts.length, `eye shifts ${shifts.map((v) => v.toFixed(1)).join(', ')}`).toBeLessThan(4);
    expect(tf.memory().numTensors).toBe(before);
  });
});
