/**
 * On-the-fly augmentation of image batches, deterministic for a seed, and one fixed "camera"
 * transform for benchmarks. Images are [n, h, w, 3] tensors with values in [0, 1].
 */
import * as tf from '@tensorflow/tfjs';
import { validateAugmentConfig, type AugmentConfigInput } from '../config';
import { deriveSeed } from '../data';
import { jpegCompress } from './jpeg';
import { blur, colour, flip, noise, selectPerImage, shiftScale } from './ops';
import { IDENTITY_PARAMS, sampleAugmentParams, type ImageAugmentParams } from './params';

export type AugmentErrorCode = 'bad-input' | 'bad-seed' | 'bad-params';

export class AugmentError extends Error {
  constructor(
    readonly code: AugmentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AugmentError';
  }
}

function checkImages(images: tf.Tensor, caller: string): void {
  const [, h, w, c] = images.shape;
  if (images.rank !== 4 || c !== 3 || !(h! >= 2 && w! >= 2)) {
    throw new AugmentError(
      'bad-input',
      `${caller}: expected images [batch, height ≥ 2, width ≥ 2, 3], got shape [${images.shape.join(', ')}]`,
    );
  }
}

/**
 * The pipeline, in camera order: geometry (flip, shift/zoom), colour (cast, brightness, contrast,
 * saturation), optics (blur), sensor (noise), compression (JPEG). Returns a new tensor.
 */
export function applyAugmentParams(images: tf.Tensor4D, params: readonly ImageAugmentParams[]): tf.Tensor4D {
  checkImages(images, 'applyAugmentParams');
  if (params.length !== images.shape[0])
    throw new AugmentError('bad-params', `applyAugmentParams: ${params.length} parameter sets for ${images.shape[0]} images`);
  return tf.tidy(() => {
    let x = noise(blur(colour(shiftScale(flip(images, params), params), params), params), params);
    if (params.some((p) => p.jpegQuality !== null)) {
      // Images without a JPEG step keep their values: compress all, then select per image.
      const compressed = jpegCompress(
        x,
        params.map((p) => p.jpegQuality ?? 100),
      );
      x = selectPerImage(
        params.map((p) => p.jpegQuality !== null),
        compressed,
        x,
      );
    }
    return x === images ? tf.clone(images) : x;
  });
}

/**
 * Augments a batch: every image gets its own random parameters drawn from `seed` (see
 * `sampleAugmentParams`), so the same seed gives the same tensor. `config` is a full AugmentConfig or
 * any part of one (filled in from DEFAULT_AUGMENT_CONFIG). With `enabled: false` (the master switch,
 * or every augmentation) it returns a copy of the input. The caller disposes the result.
 */
export function augmentBatch(images: tf.Tensor4D, seed: number, config: AugmentConfigInput = {}): tf.Tensor4D {
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
    throw new AugmentError('bad-seed', `augmentBatch: seed ${seed} is not an integer in [0, 2^32 − 1]`);
  checkImages(images, 'augmentBatch');
  const valid = validateAugmentConfig(config);
  if (!valid.enabled) return tf.clone(images);
  return applyAugmentParams(images, sampleAugmentParams(images.shape[0], seed, valid));
}

/** One fixed camera: the same colour cast, blur, noise level and JPEG quality for every image. */
export interface CameraParams {
  /** Per-channel gain (R, G, B). */
  readonly gain: readonly [number, number, number];
  /** Gaussian blur sigma in pixels. */
  readonly blurSigma: number;
  /** Sensor noise sigma in [0, 1] units; image i of a batch gets the noise of deriveSeed(noiseSeed, i). */
  readonly noiseSigma: number;
  readonly noiseSeed: number;
  /** JPEG quality 1–100, or null for none. */
  readonly jpegQuality: number | null;
}

/** A warm, slightly soft, noisy webcam with a middling JPEG stream. */
export const DEFAULT_CAMERA_PARAMS: CameraParams = {
  gain: [1.06, 1.0, 0.92],
  blurSigma: 0.8,
  noiseSigma: 0.015,
  noiseSeed: 20_240_601,
  jpegQuality: 80,
};

function checkCameraParams(p: CameraParams): void {
  const bad = (field: string, value: unknown, expected: string) =>
    new AugmentError('bad-params', `cameraTransform: ${field} = ${JSON.stringify(value)}, expected ${expected}`);
  if (p.gain.length !== 3 || p.gain.some((g) => !(g >= 0 && g <= 4))) throw bad('gain', p.gain, 'three gains in [0, 4]');
  if (!(p.blurSigma >= 0 && p.blurSigma <= 4)) throw bad('blurSigma', p.blurSigma, 'a number in [0, 4]');
  if (!(p.noiseSigma >= 0 && p.noiseSigma <= 1)) throw bad('noiseSigma', p.noiseSigma, 'a number in [0, 1]');
  if (!Number.isInteger(p.noiseSeed) || p.noiseSeed < 0 || p.noiseSeed > 2 ** 32 - 1)
    throw bad('noiseSeed', p.noiseSeed, 'an integer in [0, 2^32 − 1]');
  if (p.jpegQuality !== null && !(Number.isInteger(p.jpegQuality) && p.jpegQuality >= 1 && p.jpegQuality <= 100)) {
    throw bad('jpegQuality', p.jpegQuality, 'an integer in [1, 100] or null');
  }
}

/**
 * Applies one fixed camera (colour cast, blur, sensor noise with a fixed seed, JPEG) to an image
 * [h, w, 3] or a batch [n, h, w, 3] in [0, 1]; returns the same rank. Deterministic.
 */
export function cameraTransform<T extends tf.Tensor3D | tf.Tensor4D>(images: T, params: CameraParams = DEFAULT_CAMERA_PARAMS): T {
  checkCameraParams(params);
  const batch = images.rank === 3 ? (tf.expandDims(images, 0) as tf.Tensor4D) : (images as tf.Tensor4D);
  try {
    checkImages(batch, 'cameraTransform');
    const perImage = Array.from({ length: batch.shape[0] }, (_, i): ImageAugmentParams => ({
      ...IDENTITY_PARAMS,
      gain: params.gain,
      blurSigma: params.blurSigma,
      noiseSigma: params.noiseSigma,
      noiseSeed: deriveSeed(params.noiseSeed, i),
      jpegQuality: params.jpegQuality,
    }));
    const out = applyAugmentParams(batch, perImage);
    if (images.rank === 4) return out as T;
    const squeezed = tf.squeeze(out, [0]);
    out.dispose();
    return squeezed as T;
  } finally {
    if (batch !== images) batch.dispose();
  }
}
