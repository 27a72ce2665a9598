/**
 * Batched tensor stages of the augmentation pipeline. Each takes images [n, h, w, 3] in [0, 1] and
 * one parameter set per image, and returns the identity (the same tensor) when no image needs the
 * stage. Call inside tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../data';
import type { ImageAugmentParams } from './params';

type Params = readonly ImageAugmentParams[];

/** A [n, 1, 1, k] tensor of per-image values, to broadcast over an image batch. */
const perImage = (values: readonly number[], k = 1) => tf.tensor4d(Float32Array.from(values), [values.length / k, 1, 1, k]);

/** Per image: `whenTrue`'s values where the flag is set, else `whenFalse`'s (a gather: exact). */
export function selectPerImage(flags: readonly boolean[], whenTrue: tf.Tensor4D, whenFalse: tf.Tensor4D): tf.Tensor4D {
  if (flags.every((f) => f)) return whenTrue;
  if (!flags.some((f) => f)) return whenFalse;
  const n = flags.length;
  const indices = tf.tensor1d(
    flags.map((f, i) => (f ? n + i : i)),
    'int32',
  );
  return tf.gather(tf.concat([whenFalse, whenTrue], 0), indices);
}

export function flip(x: tf.Tensor4D, params: Params): tf.Tensor4D {
  if (!params.some((p) => p.flip)) return x;
  return selectPerImage(
    params.map((p) => p.flip),
    tf.reverse(x, 2),
    x,
  );
}

/**
 * Shift and zoom by resampling (bilinear) a box per image. The batch is mirror-padded first, so the
 * boxes never leave the image and no constant border appears.
 */
export function shiftScale(x: tf.Tensor4D, params: Params): tf.Tensor4D {
  if (params.every((p) => p.shiftX === 0 && p.shiftY === 0 && p.scale === 1)) return x;
  const [n, h, w] = x.shape;
  // Half extent of each box in pixels, and how far a box reaches past the image.
  const reach = (p: ImageAugmentParams, side: number, shift: number) =>
    (side - 1) / (2 * p.scale) - (side - 1) / 2 + Math.abs(shift) * side;
  const overflow = Math.max(0, ...params.map((p) => Math.max(reach(p, h, p.shiftY), reach(p, w, p.shiftX))));
  const pad = Math.min(Math.ceil(overflow) + 1, h - 1, w - 1);
  const padded =
    pad > 0
      ? tf.mirrorPad(
          x,
          [
            [0, 0],
            [pad, pad],
            [pad, pad],
            [0, 0],
          ],
          'reflect',
        )
      : x;
  const ph = h + 2 * pad;
  const pw = w + 2 * pad;
  const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
  const boxes = params.flatMap((p) => {
    const cy = pad + (h - 1) / 2 + p.shiftY * h;
    const cx = pad + (w - 1) / 2 + p.shiftX * w;
    const hy = (h - 1) / (2 * p.scale);
    const hx = (w - 1) / (2 * p.scale);
    return [(cy - hy) / (ph - 1), (cx - hx) / (pw - 1), (cy + hy) / (ph - 1), (cx + hx) / (pw - 1)].map(clamp01);
  });
  const indices = Array.from({ length: n }, (_, i) => i);
  return tf.image.cropAndResize(padded, tf.tensor2d(boxes, [n, 4]), tf.tensor1d(indices, 'int32'), [h, w], 'bilinear');
}

/** Colour cast (per-channel gain), brightness, contrast and saturation, then clipped to [0, 1]. */
export function colour(x: tf.Tensor4D, params: Params): tf.Tensor4D {
  const cast = params.some((p) => p.gain.some((g) => g !== 1) || p.brightness !== 0 || p.contrast !== 1);
  let y = x;
  if (cast) {
    // Gain g, brightness b, then contrast f around each channel's mean (tf.image.adjust_contrast)
    // fold into one affine map per image and channel: f·g·x + b + (1 − f)·g·mean(x).
    const gain = perImage(
      params.flatMap((p) => [...p.gain]),
      3,
    );
    const f = perImage(params.map((p) => p.contrast));
    const b = perImage(params.map((p) => p.brightness));
    const offset = tf.add(b, tf.mul(tf.mul(tf.sub(1, f), gain), tf.mean(x, [1, 2], true)));
    y = tf.add(tf.mul(x, tf.mul(f, gain)), offset);
  }
  if (params.some((p) => p.saturation !== 1)) {
    // Scaling HSV saturation by s keeps hue and value: each channel c becomes s·c + (1 − s)·v,
    // v = max(R, G, B). Exact for s ≤ 1; for s > 1 the result is clipped below.
    const s = perImage(params.map((p) => p.saturation));
    y = tf.add(tf.mul(y, s), tf.mul(tf.max(y, 3, true), tf.sub(1, s)));
  }
  return y === x ? x : tf.clipByValue(y, 0, 1);
}

/** A normalised Gaussian of the given radius; sigma 0 is the identity (a centred 1). */
export function gaussianKernel(sigma: number, radius: number): number[] {
  if (sigma <= 0) return Array.from({ length: 2 * radius + 1 }, (_, i) => (i === radius ? 1 : 0));
  const k = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

/**
 * Gaussian blur with a sigma per image, as one separable depthwise convolution over the whole
 * batch: the n images' channels become n × 3 channels of a single image, each with its own kernel.
 * Edges are mirrored.
 */
export function blur(x: tf.Tensor4D, params: Params): tf.Tensor4D {
  const sigmas = params.map((p) => p.blurSigma);
  const maxSigma = Math.max(...sigmas);
  if (!(maxSigma > 0)) return x;
  const [n, h, w, c] = x.shape;
  const radius = Math.min(Math.ceil(3 * maxSigma), h - 1, w - 1);
  if (radius < 1) return x;
  const taps = 2 * radius + 1;
  // Kernel values [taps, n·c]: channel (i, ch) uses image i's Gaussian.
  const kernels = sigmas.map((s) => gaussianKernel(s, radius));
  const values = new Float32Array(taps * n * c);
  for (let t = 0; t < taps; t++)
    for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) values[t * n * c + i * c + ch] = kernels[i]![t]!;
  const stacked: tf.Tensor4D = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, h, w, n * c]);
  const padded = tf.mirrorPad(
    stacked,
    [
      [0, 0],
      [radius, radius],
      [radius, radius],
      [0, 0],
    ],
    'reflect',
  );
  const horizontal = tf.depthwiseConv2d(padded, tf.tensor4d(values, [1, taps, n * c, 1]), 1, 'valid');
  const both = tf.depthwiseConv2d(horizontal, tf.tensor4d(values, [taps, 1, n * c, 1]), 1, 'valid');
  return tf.transpose(tf.reshape<tf.Rank.R4>(both, [h, w, n, c]), [2, 0, 1, 3]);
}

/** Standard normal values from a seeded stream (Box–Muller). */
function fillGaussian(out: Float32Array, offset: number, count: number, sigma: number, seed: number): void {
  const rand = createRng(seed);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rand())) * sigma;
    const a = 2 * Math.PI * rand();
    out[offset + i] = r * Math.cos(a);
    if (i + 1 < count) out[offset + i + 1] = r * Math.sin(a);
  }
}

/** Additive Gaussian noise, sigma and seed per image (generated in JS from the seed), clipped. */
export function noise(x: tf.Tensor4D, params: Params): tf.Tensor4D {
  if (params.every((p) => p.noiseSigma === 0)) return x;
  const per = x.size / params.length;
  const values = new Float32Array(x.size);
  params.forEach((p, i) => {
    if (p.noiseSigma > 0) fillGaussian(values, i * per, per, p.noiseSigma, p.noiseSeed);
  });
  return tf.clipByValue(tf.add<tf.Tensor4D>(x, tf.tensor4d(values, x.shape)), 0, 1);
}
