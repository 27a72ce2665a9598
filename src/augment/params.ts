/**
 * Per-image augmentation parameters drawn from a seed. Plain numbers, no tf.js: the tensor stages
 * in ops.ts apply them.
 */
import type { AugmentConfig, AugmentRange } from '../config';
import { createRng, deriveSeed } from '../data';

export interface ImageAugmentParams {
  readonly flip: boolean;
  /** Shift along x and y as a fraction of the image side. */
  readonly shiftX: number;
  readonly shiftY: number;
  /** Zoom factor around the centre (> 1 zooms in). */
  readonly scale: number;
  /** Per-channel gain (R, G, B). */
  readonly gain: readonly [number, number, number];
  readonly brightness: number;
  readonly contrast: number;
  readonly saturation: number;
  readonly blurSigma: number;
  readonly noiseSigma: number;
  /** Seed of this image's noise. */
  readonly noiseSeed: number;
  /** JPEG quality 1–100, or null for no JPEG step. */
  readonly jpegQuality: number | null;
}

/** Parameters that leave an image unchanged. */
export const IDENTITY_PARAMS: ImageAugmentParams = {
  flip: false,
  shiftX: 0,
  shiftY: 0,
  scale: 1,
  gain: [1, 1, 1],
  brightness: 0,
  contrast: 1,
  saturation: 1,
  blurSigma: 0,
  noiseSigma: 0,
  noiseSeed: 0,
  jpegQuality: null,
};

const NOISE_SALT = 0x6e6f6973;

/**
 * One parameter set per image. Image i draws from its own stream, `deriveSeed(seed, i)`, always in
 * the same order and whether or not an augmentation is enabled: turning one augmentation off does
 * not change the others' draws, and image i's parameters do not depend on the batch size.
 */
export function sampleAugmentParams(count: number, seed: number, config: AugmentConfig): ImageAugmentParams[] {
  return Array.from({ length: count }, (_, i) => {
    const imageSeed = deriveSeed(seed, i);
    const rand = createRng(imageSeed);
    const draw = (r: AugmentRange, identity: number) => {
      const u = rand();
      return config.enabled && r.enabled ? r.min + (r.max - r.min) * u : identity;
    };
    const flipDraw = rand();
    const qualityDraw = rand();
    const q = config.jpegQuality;
    const params: ImageAugmentParams = {
      flip: config.enabled && config.flip.enabled && flipDraw < config.flip.probability,
      shiftX: draw(config.shift, 0),
      shiftY: draw(config.shift, 0),
      scale: draw(config.scale, 1),
      gain: [draw(config.colorCast, 1), draw(config.colorCast, 1), draw(config.colorCast, 1)],
      brightness: draw(config.brightness, 0),
      contrast: draw(config.contrast, 1),
      saturation: draw(config.saturation, 1),
      blurSigma: draw(config.blur, 0),
      noiseSigma: draw(config.noise, 0),
      noiseSeed: deriveSeed(imageSeed, NOISE_SALT),
      // An integer quality in [min, max], each value equally likely.
      jpegQuality: config.enabled && q.enabled ? q.min + Math.floor(qualityDraw * (q.max - q.min + 1)) : null,
    };
    return params;
  });
}
