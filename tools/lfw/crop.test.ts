import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { preprocess } from '../../src/model';
import { useWasmBackend } from '../common/node-backend';
import { decodeJpeg, type Rgba } from '../codec';
import { createPhotoCropper, describeCropper, faceCropper, isPhotoCrop, wholePhotoCropper } from './crop';
import { loadPhotos } from './pairs';
import { LFW_DIR } from './paths';

const image = (width: number, height: number): Rgba => ({ width, height, data: new Uint8Array(width * height * 4) });

describe('croppers', () => {
  it('the whole-photo cropper gives no square and counts the photos it saw', async () => {
    const c = wholePhotoCropper();
    expect(await c.square('a.jpg', image(4, 4))).toBeUndefined();
    expect(await c.square('b.jpg', image(4, 4))).toBeUndefined();
    expect(c.seen()).toBe(2);
    expect(describeCropper(c)).toBe('whole photo (2 photos)');
    expect(isPhotoCrop('face') && isPhotoCrop('photo') && !isPhotoCrop('fixed')).toBe(true);
  });

  it('the face cropper asks once per photo, uses the whole photo where no face is found, and counts both kinds', async () => {
    const calls: number[] = [];
    const c = faceCropper(async (img) => {
      calls.push(img.width);
      if (img.width === 1) return null;
      return { x: 1, y: 2, size: 3, clamped: img.width === 3 };
    });
    expect(await c.square('p1', image(2, 2))).toEqual({ x: 1, y: 2, size: 3 });
    expect(await c.square('p1', image(2, 2))).toEqual({ x: 1, y: 2, size: 3 });
    expect(await c.square('none', image(1, 1))).toBeUndefined();
    expect(await c.square('none', image(1, 1))).toBeUndefined();
    expect(await c.square('edge', image(3, 3))).toEqual({ x: 1, y: 2, size: 3 });
    expect(calls).toEqual([2, 1, 3]);
    expect([...c.noFace]).toEqual(['none']);
    expect([...c.clamped]).toEqual(['edge']);
    expect(describeCropper(c)).toBe('face crop (3 photos; no face found in 1, whole photo used there; square clamped into the photo in 1)');
  });
});

describe.skipIf(!existsSync(LFW_DIR))("the app's face crop on LFW photos (reads ../shared/data)", () => {
  beforeAll(useWasmBackend);
  const photos = ['Aaron_Tippin/Aaron_Tippin_0001.jpg', 'Abdullah_Gul/Abdullah_Gul_0013.jpg', 'Winona_Ryder/Winona_Ryder_0003.jpg'];

  it('finds each face, keeps the square inside the photo at the LFW-matched size, and loadPhotos preprocesses that square; no tensors left', async () => {
    const before = tf.memory().numTensors;
    const cropper = await createPhotoCropper('face');
    const size = 64;
    let x: tf.Tensor4D | null = null;
    try {
      x = await loadPhotos(LFW_DIR, photos, size, cropper);
      expect(x.shape).toEqual([3, size, size, 3]);
      expect(cropper.noFace.size).toBe(0);
      for (const [i, p] of photos.entries()) {
        const rgba = decodeJpeg(new Uint8Array(readFileSync(path.join(LFW_DIR, p))), p);
        const square = await cropper.square(p, rgba);
        expect(square).toBeDefined();
        const { x: sx, y: sy, size: side } = square!;
        expect(sx).toBeGreaterThanOrEqual(0);
        expect(sy).toBeGreaterThanOrEqual(0);
        expect(sx + side).toBeLessThanOrEqual(250);
        expect(sy + side).toBeLessThanOrEqual(250);
        // The margin rule makes the face fill its square as it fills an LFW photo: so the square
        // is most of the photo (shifted to the face, or the whole photo once clamped).
        expect(side).toBeGreaterThan(150);
        expect(side).toBeLessThanOrEqual(250);
        const expected = preprocess(rgba, size, square);
        const diff = tf.tidy(
          () => tf.max(tf.abs(tf.sub(tf.slice(x!, [i, 0, 0, 0], [1, size, size, 3]).reshape(expected.shape), expected))).dataSync()[0],
        );
        expected.dispose();
        expect(diff).toBe(0);
      }
      // Against the whole photo: equal where the square is the whole photo, different elsewhere.
      const whole = await loadPhotos(LFW_DIR, photos, size);
      const apart = tf.tidy(() => Array.from(tf.mean(tf.abs(tf.sub(whole, x!)), [1, 2, 3]).dataSync()));
      whole.dispose();
      const isWhole = await Promise.all(photos.map(async (p) => (await cropper.square(p, image(0, 0)))?.size === 250));
      expect(isWhole).toContain(false);
      apart.forEach((d, i) => (isWhole[i] ? expect(d).toBe(0) : expect(d).toBeGreaterThan(0.005)));
      expect(cropper.seen()).toBe(3);
    } finally {
      x?.dispose();
      cropper.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
