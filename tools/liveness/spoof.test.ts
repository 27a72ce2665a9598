import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/data';
import { useWasmBackend } from '../common/node-backend';
import { webcamFrame } from '../lfw';
import { applyHomography, invert3, mul3, NEUTRAL_POSE, photoHomography, spoofSweep, SPOOF_FRAME, warpPhoto, type Mat3 } from './index';

const close = (a: { x: number; y: number }, b: { x: number; y: number }, digits = 9) => {
  expect(a.x).toBeCloseTo(b.x, digits);
  expect(a.y).toBeCloseTo(b.y, digits);
};

describe('photoHomography', () => {
  it('puts a photo 1:1 in the middle of the frame in the neutral pose', () => {
    const h = photoHomography(NEUTRAL_POSE, 250, 250);
    close(applyHomography(h, 0, 0), { x: 195, y: 115 });
    close(applyHomography(h, 249, 249), { x: 444, y: 364 });
  });

  it('shifts, scales about the photo centre and rolls clockwise on screen', () => {
    close(applyHomography(photoHomography({ ...NEUTRAL_POSE, shiftX: 30, shiftY: -20 }, 250, 250), 124.5, 124.5), { x: 349.5, y: 219.5 });
    close(applyHomography(photoHomography({ ...NEUTRAL_POSE, scale: 2 }, 250, 250), 134.5, 124.5), { x: 339.5, y: 239.5 });
    // A point right of the centre goes down (image y points down) under a positive roll.
    close(applyHomography(photoHomography({ ...NEUTRAL_POSE, roll: 90 }, 250, 250), 134.5, 124.5), { x: 319.5, y: 249.5 });
  });

  it('tilts about the axis: points on it stay, points off it foreshorten with perspective', () => {
    // Vertical axis (tiltAxis 90): the photo's centre column stays; the row through the centre foreshortens.
    const h = photoHomography({ ...NEUTRAL_POSE, tilt: 40, tiltAxis: 90 }, 250, 250);
    close(applyHomography(h, 124.5, 0), applyHomography(photoHomography(NEUTRAL_POSE, 250, 250), 124.5, 0));
    const left = applyHomography(h, 24.5, 124.5);
    const right = applyHomography(h, 224.5, 124.5);
    expect(right.x - left.x).toBeLessThan(200);
    expect(right.x - left.x).toBeGreaterThan(200 * Math.cos((40 * Math.PI) / 180) * 0.95);
    // One side came nearer (larger), the other went away: their offsets from the centre differ.
    expect(Math.abs(319.5 - left.x - (right.x - 319.5))).toBeGreaterThan(1);
    expect(left.y).toBeCloseTo(239.5, 9);
  });

  it('invert3 and mul3 agree', () => {
    const h = photoHomography({ shiftX: 12, shiftY: -7, scale: 1.2, roll: 17, tilt: 33, tiltAxis: 60 }, 250, 250);
    const id = mul3(h, invert3(h));
    const expected: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    id.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 9));
    expect(() => invert3([1, 2, 3, 2, 4, 6, 0, 0, 1])).toThrow(/singular/);
  });
});

describe('warpPhoto', () => {
  beforeAll(useWasmBackend);

  it('renders the neutral pose as the photo pasted on grey (as webcamFrame), and tilts without leaking tensors', () => {
    const rng = createRng(5);
    const photo = { width: 40, height: 30, data: new Uint8Array(40 * 30 * 4).map((_, i) => (i % 4 === 3 ? 255 : Math.floor(rng() * 256))) };
    const expected = webcamFrame(photo);
    const before = tf.memory().numTensors;
    const t = tf.tensor3d(photo.data, [30, 40, 4], 'int32');
    const neutral = warpPhoto(t, NEUTRAL_POSE);
    const tilted = warpPhoto(t, { ...NEUTRAL_POSE, tilt: 45, tiltAxis: 90 });
    try {
      expect(neutral.shape).toEqual([SPOOF_FRAME.height, SPOOF_FRAME.width, 3]);
      const got = neutral.dataSync();
      let maxDiff = 0;
      for (let p = 0; p < 640 * 480; p++)
        for (let c = 0; c < 3; c++) maxDiff = Math.max(maxDiff, Math.abs(got[p * 3 + c]! - expected.data[p * 4 + c]!));
      expect(maxDiff).toBeLessThan(1e-3);
      // Tilted: the photo is narrower, the grey reaches further in.
      const row = tf.tidy(() => tilted.slice([239, 0, 0], [1, 640, 1]).dataSync());
      const photoCols = Array.from(row).filter((v) => v !== 128).length;
      expect(photoCols).toBeLessThan(40);
      expect(photoCols).toBeGreaterThan(20);
    } finally {
      tf.dispose([t, neutral, tilted]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('spoofSweep', () => {
  it('is seeded and covers every family, tilts to both sides about four axes', () => {
    const a = spoofSweep(createRng(1));
    expect(spoofSweep(createRng(1))).toEqual(a);
    expect(spoofSweep(createRng(2))).not.toEqual(a);
    expect(new Set(a.map((p) => p.family))).toEqual(new Set(['neutral', 'shift', 'scale', 'roll', 'tilt', 'mixed']));
    const tilts = a.filter((p) => p.family === 'tilt');
    expect(tilts).toHaveLength(4 * 4 * 2);
    expect(new Set(tilts.map((p) => p.pose.tiltAxis))).toEqual(new Set([0, 45, 90, 135]));
    expect(spoofSweep(createRng(1), { tilts: [20], mixed: 0 }).filter((p) => p.family === 'tilt')).toHaveLength(8);
  });
});
