/** Face detection and the face crop rule (src/face). */
import { checkNum, ConfigError } from './check';

export type FaceDetectorVariant = 'short' | 'full';

export interface FaceConfig {
  /** BlazeFace model: 'short' range (128×128 input) or 'full' range (192×192). */
  readonly variant: FaceDetectorVariant;
  /** A face counts as found when its score is at least this (0.5 as in MediaPipe's short range). */
  readonly scoreThreshold: number;
  /** Faces overlapping more than this (intersection over union) are merged (MediaPipe: 0.3). */
  readonly iouThreshold: number;
  /** Where the crop is centred: the face box centre, or the mean of the eyes, nose tip and mouth. */
  readonly centre: FaceCentre;
  /**
   * Side of the crop square = this × the face box side ((width + height) / 2), so that a face fills
   * the crop as it fills an LFW photo: 250 / the median box side on LFW photos.
   */
  readonly marginFactor: number;
  /** Crop centre = face centre + (offsetX, offsetY) × box side (LFW's median offset of the photo centre). */
  readonly offsetX: number;
  readonly offsetY: number;
}

export type FaceCentre = 'box' | 'keypoints';

/**
 * The crop rule per detector, measured by `node scripts/measure-face-crop.mjs` on LFW photos pasted
 * into a webcam-sized frame: marginFactor = 250 / the median face box side, offsets = the median of
 * (photo centre − face centre) / box side. Both detectors centre on the keypoints, which wander less
 * than the box centre. The measurement is in bench/results/reference.md.
 */
export const FACE_CROP_RULES: Readonly<Record<FaceDetectorVariant, Pick<FaceConfig, 'centre' | 'marginFactor' | 'offsetX' | 'offsetY'>>> = {
  short: { centre: 'keypoints', marginFactor: 2.3039, offsetX: 0.0028, offsetY: -0.0636 },
  full: { centre: 'keypoints', marginFactor: 2.3258, offsetX: 0, offsetY: -0.0449 },
};

export const DEFAULT_FACE_CONFIG: FaceConfig = {
  variant: 'short',
  scoreThreshold: 0.5,
  iouThreshold: 0.3,
  ...FACE_CROP_RULES.short,
};

/** Fills in the defaults; the crop rule defaults to the one measured for the chosen variant. */
export function validateFaceConfig(partial: Partial<FaceConfig> = {}): FaceConfig {
  const variant = partial.variant ?? DEFAULT_FACE_CONFIG.variant;
  if (variant !== 'short' && variant !== 'full') throw new ConfigError('variant', variant, "expected 'short' or 'full'");
  const c = { ...DEFAULT_FACE_CONFIG, ...FACE_CROP_RULES[variant], ...partial };
  checkNum('scoreThreshold', c.scoreThreshold, 0, 1);
  checkNum('iouThreshold', c.iouThreshold, 0, 1);
  if (c.centre !== 'box' && c.centre !== 'keypoints') throw new ConfigError('centre', c.centre, "expected 'box' or 'keypoints'");
  checkNum('marginFactor', c.marginFactor, 0, 10, true);
  checkNum('offsetX', c.offsetX, -1, 1);
  checkNum('offsetY', c.offsetY, -1, 1);
  return { ...c };
}
