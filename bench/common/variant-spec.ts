/**
 * What an accuracy-part variant is: its id and its training recipe. Plain declarations, so that
 * types.ts (the data crossing between bench/node and bench/page) can name a variant without
 * importing variants.ts, which builds on types.ts.
 */
import type { CropMode, FaceModel, FreezeMode, TrainingStart } from '../../src/config';

export type AugmentSet = 'all' | 'notebook';

/** How a variant's network comes about: fine-tuned from the pretrained model, trained from scratch, or the pretrained model untouched. */
export type VariantStart = TrainingStart | 'none';

export interface VariantSpec {
  readonly id: VariantId;
  /** One line for the report. */
  readonly label: string;
  /**
   * The face model: 'facerec' (the app's default: dlib's ResNet descriptors, the Siamese head on
   * them) or 'koch' (the reference network on the 100×100 crop).
   */
  readonly faceModel: FaceModel;
  readonly crop: CropMode;
  readonly start: VariantStart;
  /** Training batches augmented (src/augment, the app's defaults); false when not trained. */
  readonly augment: boolean;
  /**
   * Which augmentations, over DEFAULT_AUGMENT_CONFIG (src/training augmentFunction's details):
   * 'all' the app's set, 'notebook' the reference notebook's five alone (NOTEBOOK_AUGMENT).
   */
  readonly augmentSet: AugmentSet;
  /** Training epochs (0 = not trained). */
  readonly epochs: number;
  /** Layers kept at their starting weights while training (TrainingConfig.freeze). */
  readonly freeze: FreezeMode;
  /** The trained network calibrated on held-out negatives (TrainingConfig.calibrate); false when not trained. */
  readonly calibrate: boolean;
}

export const VARIANT_IDS = [
  'facerec',
  'facerec-pretrained',
  'koch-default',
  'face-noaug',
  'notebook-aug',
  'fixed-aug',
  'fixed-noaug',
  'freeze-none',
  'freeze-convs',
  'freeze-embedding',
  'calibrate-on',
  'calibrate-off',
  'scratch',
  'pretrained-face',
  'pretrained-fixed',
] as const;
export type VariantId = (typeof VARIANT_IDS)[number];
