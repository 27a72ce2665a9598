/** On-the-fly augmentation of training images (src/augment). */
import { checkInt, checkNum, ConfigError } from './check';

/** A uniformly drawn per-image parameter in [min, max], or the identity when not enabled. */
export interface AugmentRange {
  readonly enabled: boolean;
  readonly min: number;
  readonly max: number;
}

export interface AugmentConfig {
  /** Master switch: false returns the images unchanged. */
  readonly enabled: boolean;
  /** Horizontal flip with this probability (reference notebook: 0.5). */
  readonly flip: { readonly enabled: boolean; readonly probability: number };
  /** Shift along each axis, as a fraction of the image side (±0.03 = ±3 px at 100 px). */
  readonly shift: AugmentRange;
  /** Zoom factor around the centre (> 1 zooms in); edges are filled by mirroring. */
  readonly scale: AugmentRange;
  /** Per-channel gain of a colour cast (1 ± 0.08). */
  readonly colorCast: AugmentRange;
  /** Added to every value (reference notebook: ±0.02). */
  readonly brightness: AugmentRange;
  /** Contrast factor around each channel's mean (reference notebook: 0.6–1.0). */
  readonly contrast: AugmentRange;
  /** Saturation factor, HSV saturation as tf.image.adjust_saturation (reference notebook: 0.9–1.0). */
  readonly saturation: AugmentRange;
  /** Sigma of a Gaussian blur in pixels (0–1.2). */
  readonly blur: AugmentRange;
  /** Sigma of additive Gaussian sensor noise, in [0, 1] units (0–0.03). */
  readonly noise: AugmentRange;
  /** JPEG quality, an integer 1–100 (reference notebook: 90–100); see src/augment/jpeg.ts. */
  readonly jpegQuality: AugmentRange;
}

export const DEFAULT_AUGMENT_CONFIG: AugmentConfig = {
  enabled: true,
  flip: { enabled: true, probability: 0.5 },
  shift: { enabled: true, min: -0.03, max: 0.03 },
  scale: { enabled: true, min: 0.95, max: 1.05 },
  colorCast: { enabled: true, min: 0.92, max: 1.08 },
  brightness: { enabled: true, min: -0.02, max: 0.02 },
  contrast: { enabled: true, min: 0.6, max: 1 },
  saturation: { enabled: true, min: 0.9, max: 1 },
  blur: { enabled: true, min: 0, max: 1.2 },
  noise: { enabled: true, min: 0, max: 0.03 },
  jpegQuality: { enabled: true, min: 90, max: 100 },
};

/** A partial augment config: any field, and any part of a field, may be left out. */
export type AugmentConfigInput = {
  readonly [K in keyof AugmentConfig]?: AugmentConfig[K] extends object ? Partial<AugmentConfig[K]> : AugmentConfig[K];
};

/**
 * The reference notebook's augmentation alone (brightness ±0.02, contrast 0.6–1.0, horizontal flip,
 * JPEG quality 90–100, saturation 0.9–1.0): DEFAULT_AUGMENT_CONFIG without the additions (shift,
 * zoom, colour cast, blur, noise). The benchmark's notebook-aug variant trains with it, to show what
 * the additions do.
 */
export const NOTEBOOK_AUGMENT: AugmentConfigInput = {
  shift: { enabled: false },
  scale: { enabled: false },
  colorCast: { enabled: false },
  blur: { enabled: false },
  noise: { enabled: false },
};

/** Allowed bounds of each range: [lowest min, highest max]. */
const AUGMENT_BOUNDS = {
  shift: [-0.25, 0.25],
  scale: [0.75, 1.5],
  colorCast: [0, 4],
  brightness: [-1, 1],
  contrast: [0, 4],
  saturation: [0, 4],
  blur: [0, 4],
  noise: [0, 1],
  jpegQuality: [1, 100],
} as const satisfies Record<string, readonly [number, number]>;

export function validateAugmentConfig(partial: AugmentConfigInput = {}): AugmentConfig {
  const d = DEFAULT_AUGMENT_CONFIG;
  if (partial.enabled !== undefined && typeof partial.enabled !== 'boolean')
    throw new ConfigError('augment.enabled', partial.enabled, 'expected true or false');
  const flip = { ...d.flip, ...partial.flip };
  if (typeof flip.enabled !== 'boolean') throw new ConfigError('augment.flip.enabled', flip.enabled, 'expected true or false');
  checkNum('augment.flip.probability', flip.probability, 0, 1);
  const ranges = {} as Record<keyof typeof AUGMENT_BOUNDS, AugmentRange>;
  for (const key of Object.keys(AUGMENT_BOUNDS) as (keyof typeof AUGMENT_BOUNDS)[]) {
    const r = { ...d[key], ...partial[key] };
    const [lo, hi] = AUGMENT_BOUNDS[key];
    if (typeof r.enabled !== 'boolean') throw new ConfigError(`augment.${key}.enabled`, r.enabled, 'expected true or false');
    checkNum(`augment.${key}.min`, r.min, lo, hi);
    checkNum(`augment.${key}.max`, r.max, lo, hi);
    if (r.min > r.max) throw new ConfigError(`augment.${key}`, { min: r.min, max: r.max }, 'min must not exceed max');
    if (key === 'jpegQuality') {
      checkInt('augment.jpegQuality.min', r.min, lo, hi);
      checkInt('augment.jpegQuality.max', r.max, lo, hi);
    }
    ranges[key] = r;
  }
  return { enabled: partial.enabled ?? d.enabled, flip, ...ranges };
}
