import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_AUGMENT_CONFIG, validateAugmentConfig, type AugmentConfigInput, type AugmentRange } from '../config';
import { createRng } from '../data';
// The kit's light files: its index also loads src/model, which registers the wasm backend these tests must not pick up.
import { lfwPath } from '../../tools/lfw/paths';
import { readJpeg } from '../../tools/lfw/photos';
import { AugmentError, augmentBatch, cameraTransform, DEFAULT_CAMERA_PARAMS } from './augment';
import { jpegCompress, scaledTable } from './jpeg';
import { gaussianKernel } from './ops';
import { sampleAugmentParams } from './params';

const N = 4;
const S = 32;

/** A batch of smooth colour patterns with some seeded texture, values in [0, 1]. */
function testBatch(n = N, size = S, seed = 1): tf.Tensor4D {
  const rand = createRng(seed);
  const v = new Float32Array(n * size * size * 3);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const o = ((i * size + y) * size + x) * 3;
        v[o] = 0.2 + (0.6 * x) / size;
        v[o + 1] = 0.5 + 0.3 * Math.sin((y + i) / 4);
        v[o + 2] = 0.3 + 0.4 * rand();
      }
    }
  }
  return tf.tensor4d(v, [n, size, size, 3]);
}

/** Only the named augmentations enabled, with the given ranges. */
function only(
  ranges: Partial<
    Record<
      'shift' | 'scale' | 'colorCast' | 'brightness' | 'contrast' | 'saturation' | 'blur' | 'noise' | 'jpegQuality',
      Partial<AugmentRange>
    >
  >,
  flip = 0,
): AugmentConfigInput {
  const off = { enabled: false };
  return {
    flip: { enabled: flip > 0, probability: flip },
    shift: off,
    scale: off,
    colorCast: off,
    brightness: off,
    contrast: off,
    saturation: off,
    blur: off,
    noise: off,
    jpegQuality: off,
    ...Object.fromEntries(Object.entries(ranges).map(([k, r]) => [k, { enabled: true, ...r }])),
  };
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('augmentBatch', () => {
  it('is deterministic for a seed, differs between seeds, keeps shape and [0, 1]', () => {
    const x = testBatch();
    const a = augmentBatch(x, 7, DEFAULT_AUGMENT_CONFIG);
    const b = augmentBatch(x, 7, DEFAULT_AUGMENT_CONFIG);
    const c = augmentBatch(x, 8, DEFAULT_AUGMENT_CONFIG);
    expect(a.shape).toEqual([N, S, S, 3]);
    expect(a.dtype).toBe('float32');
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(maxAbsDiff(a, c)).toBeGreaterThan(0.05);
    expect(maxAbsDiff(a, x)).toBeGreaterThan(0.05);
    const [lo, hi] = tf.tidy(() => [tf.min(a).dataSync()[0]!, tf.max(a).dataSync()[0]!]);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    // Each image gets its own parameters.
    const [first, second] = tf.tidy(() =>
      tf
        .split(tf.sub(a, x), N, 0)
        .slice(0, 2)
        .map((t) => tf.mean(t).dataSync()[0]!),
    );
    expect(first).not.toBeCloseTo(second!, 5);
    tf.dispose([x, a, b, c]);
  });

  it('returns an unchanged copy when disabled, by the master switch or every augmentation', () => {
    const x = testBatch();
    for (const config of [{ enabled: false }, only({})]) {
      const y = augmentBatch(x, 3, config);
      expect(y).not.toBe(x);
      expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
      y.dispose();
      expect(x.isDisposed).toBe(false);
    }
    x.dispose();
  });

  it('leaks no tensors', () => {
    const x = testBatch();
    const bad = tf.zeros([2, 8, 3]) as unknown as tf.Tensor4D;
    augmentBatch(x, 1).dispose(); // warm-up: kernels and constants created once
    const before = tf.memory().numTensors;
    for (let seed = 0; seed < 3; seed++) augmentBatch(x, seed).dispose();
    augmentBatch(x, 1, { enabled: false }).dispose();
    expect(() => augmentBatch(bad, 1)).toThrow(AugmentError);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, bad]);
  });

  it('rejects a bad seed or image shape with a typed error', () => {
    const x = testBatch(1, 8);
    expect(() => augmentBatch(x, -1)).toThrow(/seed -1/);
    expect(() => augmentBatch(x, 1.5)).toThrow(AugmentError);
    const grey = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => augmentBatch(grey, 1)).toThrow(/got shape \[1, 8, 8, 1\]/);
    tf.dispose([x, grey]);
  });
});

describe('each augmentation', () => {
  const x = testBatch();
  const check = (config: AugmentConfigInput, expected: (x: tf.Tensor4D) => tf.Tensor, tolerance = 1e-5) => {
    const y = augmentBatch(x, 5, config);
    const e = tf.tidy(() => expected(x));
    expect(maxAbsDiff(y, e)).toBeLessThanOrEqual(tolerance);
    tf.dispose([y, e]);
  };

  it('flips horizontally', () => check(only({}, 1), (t) => tf.reverse(t, 2)));
  it('adds brightness, clipped', () => check(only({ brightness: { min: 0.3, max: 0.3 } }), (t) => tf.clipByValue(tf.add(t, 0.3), 0, 1)));
  it('applies a colour cast', () => check(only({ colorCast: { min: 1.05, max: 1.05 } }), (t) => tf.clipByValue(tf.mul(t, 1.05), 0, 1)));
  it('scales contrast around each channel mean', () =>
    check(only({ contrast: { min: 0.5, max: 0.5 } }), (t) => {
      const m = tf.mean(t, [1, 2], true);
      return tf.add(tf.mul(tf.sub(t, m), 0.5), m);
    }));
  it('desaturates like HSV saturation (0 leaves the value, max of R, G, B)', () =>
    check(only({ saturation: { min: 0, max: 0 } }), (t) => tf.tile(tf.max(t, 3, true), [1, 1, 1, 3])));
  it('shifts by whole pixels', () => {
    const y = augmentBatch(x, 5, only({ shift: { min: 2 / S, max: 2 / S } }));
    // Output pixel (y, x) is input pixel (y + 2, x + 2).
    const moved = tf.tidy(() =>
      maxAbsDiff(tf.slice(y, [0, 0, 0, 0], [-1, S - 2, S - 2, -1]), tf.slice(x, [0, 2, 2, 0], [-1, S - 2, S - 2, -1])),
    );
    expect(moved).toBeLessThan(1e-4);
    y.dispose();
  });
  it('zooms in around the centre', () => {
    const y = augmentBatch(x, 5, only({ scale: { min: 1.25, max: 1.25 } }));
    // The red channel is a horizontal ramp: zooming in by 1.25 spreads it over 1.25× the pixels.
    const slope = (t: tf.Tensor) =>
      tf.tidy(() => tf.mean(tf.sub(tf.slice(t, [0, 0, 20, 0], [-1, -1, 1, 1]), tf.slice(t, [0, 0, 10, 0], [-1, -1, 1, 1]))).dataSync()[0]!);
    expect(slope(y) / slope(x)).toBeCloseTo(1 / 1.25, 3);
    y.dispose();
  });
  it('blurs: a constant image stays constant, texture loses variance', () => {
    const flat = tf.fill([2, S, S, 3], 0.4) as tf.Tensor4D;
    const y = augmentBatch(flat, 5, only({ blur: { min: 1.2, max: 1.2 } }));
    expect(maxAbsDiff(y, flat)).toBeLessThan(1e-6);
    const z = augmentBatch(x, 5, only({ blur: { min: 1.2, max: 1.2 } }));
    const blueVariance = (t: tf.Tensor) => tf.tidy(() => tf.moments(tf.slice(t, [0, 0, 0, 2], [-1, -1, -1, 1])).variance.dataSync()[0]!);
    expect(blueVariance(z)).toBeLessThan(blueVariance(x) / 3);
    tf.dispose([flat, y, z]);
    expect(gaussianKernel(0, 2)).toEqual([0, 0, 1, 0, 0]);
    expect(gaussianKernel(1, 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });
  it('adds Gaussian noise of the drawn sigma', () => {
    const grey = tf.fill([N, S, S, 3], 0.5) as tf.Tensor4D;
    const y = augmentBatch(grey, 5, only({ noise: { min: 0.02, max: 0.02 } }));
    const { mean, variance } = tf.tidy(() => {
      const m = tf.moments(tf.sub(y, grey));
      return { mean: m.mean.dataSync()[0]!, variance: m.variance.dataSync()[0]! };
    });
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(Math.sqrt(variance)).toBeCloseTo(0.02, 2);
    tf.dispose([grey, y]);
  });
  it('compresses like JPEG: output on the 8-bit grid, more loss at lower quality', () => {
    const hi = augmentBatch(x, 5, only({ jpegQuality: { min: 95, max: 95 } }));
    const lo = augmentBatch(x, 5, only({ jpegQuality: { min: 20, max: 20 } }));
    expect(
      maxAbsDiff(
        tf.tidy(() => tf.mul(hi, 255)),
        tf.tidy(() => tf.round(tf.mul(hi, 255))),
      ),
    ).toBeLessThan(1e-3);
    const err = (t: tf.Tensor) => tf.tidy(() => tf.mean(tf.abs(tf.sub(t, x))).dataSync()[0]!);
    expect(err(hi)).toBeLessThan(err(lo));
    expect(err(hi)).toBeGreaterThan(0);
    tf.dispose([hi, lo]);
  });
});

describe('JPEG approximation', () => {
  it('scales the quantisation tables as libjpeg does', () => {
    expect(scaledTable([16, 11, 99], 50)).toEqual([16, 11, 99]);
    expect(scaledTable([16, 11, 99], 90)).toEqual([3, 2, 20]);
    expect(scaledTable([16, 11, 99], 100)).toEqual([1, 1, 1]);
    expect(scaledTable([16, 11, 99], 1)).toEqual([255, 255, 255]);
  });

  it('matches a real JPEG codec (jpeg-js, 4:4:4) on an LFW face: same PSNR within 1 dB', () => {
    // A 48×48 crop of the face (a multiple of 16, so both pad nothing).
    const photo = readJpeg(lfwPath('Aaron_Peirsol', 1));
    const side = 48;
    const crop = new Uint8Array(side * side * 4);
    for (let y = 0; y < side; y++)
      crop.set(photo.data.subarray(((y + 100) * 250 + 100) * 4, ((y + 100) * 250 + 100 + side) * 4), y * side * 4);
    const rgb = (bytes: Uint8Array) =>
      tf.tidy(() =>
        tf.div(tf.slice(tf.tensor4d(bytes, [1, side, side, 4], 'float32'), [0, 0, 0, 0], [1, side, side, 3]), 255),
      ) as tf.Tensor4D;
    const original = rgb(crop);
    const psnr = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => 10 * Math.log10(1 / tf.mean(tf.square(tf.sub(a, b))).dataSync()[0]!));
    for (const q of [50, 90]) {
      const real = rgb(jpeg.decode(jpeg.encode({ data: crop, width: side, height: side }, q).data, { useTArray: true }).data);
      const ours = tf.tidy(() => jpegCompress(original, [q], false));
      expect(Math.abs(psnr(original, ours) - psnr(original, real)), `quality ${q}`).toBeLessThan(1);
      // Not bit-exact (different DCT rounding), but close: about one grey level on average.
      expect(tf.tidy(() => tf.mean(tf.abs(tf.sub(ours, real))).dataSync()[0]! * 255)).toBeLessThan(1.5);
      tf.dispose([real, ours]);
    }
    original.dispose();
  });
});

describe('sampleAugmentParams', () => {
  it("gives image i the same parameters whatever the batch size or the other augmentations' switches", () => {
    const four = sampleAugmentParams(4, 9, DEFAULT_AUGMENT_CONFIG);
    expect(sampleAugmentParams(2, 9, DEFAULT_AUGMENT_CONFIG)).toEqual(four.slice(0, 2));
    const noBlur = sampleAugmentParams(4, 9, validateAugmentConfig({ blur: { enabled: false } }));
    expect(noBlur.map((p) => p.blurSigma)).toEqual([0, 0, 0, 0]);
    expect(noBlur.map((p) => ({ ...p, blurSigma: 0 }))).toEqual(four.map((p) => ({ ...p, blurSigma: 0 })));
  });

  it('draws within the configured ranges, qualities as integers', () => {
    const ps = sampleAugmentParams(200, 1, DEFAULT_AUGMENT_CONFIG);
    for (const p of ps) {
      expect(p.contrast).toBeGreaterThanOrEqual(0.6);
      expect(p.contrast).toBeLessThanOrEqual(1);
      expect(Math.abs(p.brightness)).toBeLessThanOrEqual(0.02);
      expect(Number.isInteger(p.jpegQuality)).toBe(true);
      expect(p.jpegQuality).toBeGreaterThanOrEqual(90);
      expect(p.jpegQuality).toBeLessThanOrEqual(100);
    }
    const flips = ps.filter((p) => p.flip).length;
    expect(flips).toBeGreaterThan(70);
    expect(flips).toBeLessThan(130);
    expect(new Set(ps.map((p) => p.jpegQuality)).size).toBe(11);
  });
});

describe('cameraTransform', () => {
  it('is deterministic, changes the image, keeps rank, shape and [0, 1], and leaks nothing', () => {
    const x = testBatch(2, 48);
    const image = tf.tidy(() => tf.squeeze<tf.Tensor3D>(tf.slice(x, [0, 0, 0, 0], [1, -1, -1, -1]), [0]));
    cameraTransform(x).dispose(); // warm-up
    const before = tf.memory().numTensors;
    const a = cameraTransform(x);
    const b = cameraTransform(x, DEFAULT_CAMERA_PARAMS);
    const single = cameraTransform(image);
    expect(a.shape).toEqual([2, 48, 48, 3]);
    expect(single.shape).toEqual([48, 48, 3]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    // A single image is transformed as the first image of a batch.
    const firstOfBatch = tf.tidy(() => tf.squeeze(tf.slice(a, [0, 0, 0, 0], [1, -1, -1, -1]), [0]));
    expect(maxAbsDiff(single, firstOfBatch)).toBe(0);
    firstOfBatch.dispose();
    expect(maxAbsDiff(a, x)).toBeGreaterThan(0.02);
    expect(tf.tidy(() => tf.min(a).dataSync()[0]!)).toBeGreaterThanOrEqual(0);
    expect(tf.tidy(() => tf.max(a).dataSync()[0]!)).toBeLessThanOrEqual(1);
    // The warm cast shows in the channel means: red up, blue down.
    const means = tf.tidy(() => Array.from(tf.mean(tf.sub(a, x), [0, 1, 2]).dataSync()));
    expect(means[0]).toBeGreaterThan(0.01);
    expect(means[2]).toBeLessThan(-0.01);
    tf.dispose([a, b, single]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, image]);
  });

  it('rejects bad parameters, naming the value', () => {
    const x = testBatch(1, 16);
    expect(() => cameraTransform(x, { ...DEFAULT_CAMERA_PARAMS, jpegQuality: 101 })).toThrow(/jpegQuality = 101/);
    expect(() => cameraTransform(x, { ...DEFAULT_CAMERA_PARAMS, noiseSigma: -1 })).toThrow(AugmentError);
    x.dispose();
  });
});

describe('validateAugmentConfig', () => {
  it('deep-merges a partial config over the defaults without touching it', () => {
    const input = { blur: { max: 0.5 }, flip: { enabled: false } };
    const c = validateAugmentConfig(input);
    expect(c.blur).toEqual({ enabled: true, min: 0, max: 0.5 });
    expect(c.flip).toEqual({ enabled: false, probability: 0.5 });
    expect(c.contrast).toEqual(DEFAULT_AUGMENT_CONFIG.contrast);
    expect(input).toEqual({ blur: { max: 0.5 }, flip: { enabled: false } });
    expect(validateAugmentConfig()).toEqual(DEFAULT_AUGMENT_CONFIG);
  });

  it('names the bad value', () => {
    expect(() => validateAugmentConfig({ contrast: { min: 1.2, max: 0.8 } })).toThrow(ConfigError);
    expect(() => validateAugmentConfig({ contrast: { min: 1.2, max: 0.8 } })).toThrow(/augment.contrast .*min must not exceed max/);
    expect(() => validateAugmentConfig({ jpegQuality: { min: 90.5 } })).toThrow(/augment.jpegQuality.min = 90.5/);
    expect(() => validateAugmentConfig({ noise: { max: 2 } })).toThrow(/augment.noise.max = 2/);
    expect(() => validateAugmentConfig({ flip: { probability: -0.1 } })).toThrow(/augment.flip.probability = -0.1/);
  });
});
