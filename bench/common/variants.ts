/**
 * The accuracy part's variants (the face-recognition network trained and pretrained only; the Koch
 * network's crop × augmentation fine-tuned from its pretrained model, from scratch, pretrained
 * only) and the side-by-side table built from their attempts. Plain arrays, no tf.js.
 */
import {
  FACEREC_TRAINING_CONFIG,
  FREEZE_MODES,
  NOTEBOOK_AUGMENT,
  type AugmentConfigInput,
  type CropMode,
  type FreezeMode,
  type TrainingConfig,
} from '../../src/config';
import { ratesAt, rocSummary, type RocSummary } from '../../tools/common';
import { checkGoals, farAtFrr, frrAtFar, REPORTED_POINTS, type GoalCheck, type RocPoint } from './operating-points';
import type { Attempt, Condition } from './types';
import { VARIANT_IDS, type AugmentSet, type VariantId, type VariantSpec } from './variant-spec';

export { VARIANT_IDS, type AugmentSet, type VariantId, type VariantSpec, type VariantStart } from './variant-spec';

/** The augment details (augmentFunction's second argument) of an augment set. */
export const AUGMENT_SETS: Readonly<Record<AugmentSet, AugmentConfigInput>> = { all: {}, notebook: NOTEBOOK_AUGMENT };

/** The variant whose numbers are the accuracy part's top-level ones: the app's defaults (the face-recognition network). */
export const APP_DEFAULT_VARIANT: VariantId = 'facerec';

/** The Koch network with the app's defaults for it: the row the report sets beside the app default's. */
export const KOCH_DEFAULT_VARIANT: VariantId = 'koch-default';

const FREEZE_LABELS: Readonly<Record<FreezeMode, string>> = {
  none: 'every layer trained',
  convs: 'convolutions frozen',
  embedding: 'embedding frozen, head trained',
};

/**
 * Every variant, in report order. facerec is the app's default: the face-recognition network's
 * pretrained head trained on the enrolment's descriptors with `faceRec` (FACEREC_TRAINING_CONFIG:
 * its own epochs, batch, learning rate; no augmentation, calibrated), facerec-pretrained its
 * pretrained head alone ("works now"); both on the face crop. The rest are the Koch network's:
 * koch-default is its app defaults. notebook-aug is the default trained with the reference notebook's
 * five augmentations alone (AUGMENT_SETS.notebook), to show what the app's additions do. `epochs` is the fine-tuning epochs (the app's default 5),
 * `scratchEpochs` those of the from-scratch run (the reference recipe trains 50), `defaults.freeze`
 * the app's default frozen layers (DEFAULT_TRAINING_CONFIG.freeze): the default and the crop ×
 * augmentation variants use it, and the freeze-* variants (face crop, augmented) compare the
 * modes; the one equal to the default is left out (it would repeat the default's row). `calibrate`
 * likewise (DEFAULT_TRAINING_CONFIG.calibrate): every trained variant uses it, and calibrate-on or
 * calibrate-off, whichever differs from it, is the default with the other setting.
 */
export function planVariants(
  epochs: number,
  scratchEpochs: number,
  defaults: Pick<TrainingConfig, 'freeze' | 'calibrate'>,
  only: readonly VariantId[] = VARIANT_IDS,
  faceRec: Pick<TrainingConfig, 'epochs' | 'freeze' | 'augment' | 'calibrate'> = FACEREC_TRAINING_CONFIG,
): VariantSpec[] {
  const { freeze, calibrate } = defaults;
  const tuned = (crop: CropMode, augment: boolean, f: FreezeMode = freeze, c = calibrate, augmentSet: AugmentSet = 'all') => ({
    faceModel: 'koch' as const,
    crop,
    start: 'pretrained' as const,
    augment,
    augmentSet,
    epochs,
    freeze: f,
    calibrate: c,
  });
  const calibrateLabel = (c: boolean) => (c ? 'calibrated' : 'not calibrated');
  const all: VariantSpec[] = [
    {
      id: 'facerec',
      label: `face recognition ResNet: face crop, head trained on the captures' descriptors${faceRec.augment ? ', augmented' : ''}${faceRec.calibrate ? ', calibrated' : ''} (app default)`,
      faceModel: 'facerec',
      crop: 'face',
      start: 'pretrained',
      augment: faceRec.augment,
      augmentSet: 'all',
      epochs: faceRec.epochs,
      freeze: faceRec.freeze,
      calibrate: faceRec.calibrate,
    },
    {
      id: 'facerec-pretrained',
      label: 'face recognition ResNet: face crop, pretrained head only (no training)',
      faceModel: 'facerec',
      crop: 'face',
      start: 'none',
      augment: false,
      augmentSet: 'all',
      epochs: 0,
      freeze: 'none',
      calibrate: false,
    },
    {
      id: 'koch-default',
      label: `Koch network: face crop, augmented, fine-tuned, ${FREEZE_LABELS[freeze]} (its app defaults)`,
      ...tuned('face', true),
    },
    { id: 'face-noaug', label: `face crop, not augmented, fine-tuned, ${FREEZE_LABELS[freeze]}`, ...tuned('face', false) },
    {
      id: 'notebook-aug',
      label: `face crop, the reference notebook's augmentations only, fine-tuned, ${FREEZE_LABELS[freeze]}`,
      ...tuned('face', true, freeze, calibrate, 'notebook'),
    },
    { id: 'fixed-aug', label: `fixed square, augmented, fine-tuned, ${FREEZE_LABELS[freeze]}`, ...tuned('fixed', true) },
    { id: 'fixed-noaug', label: `fixed square, not augmented, fine-tuned, ${FREEZE_LABELS[freeze]}`, ...tuned('fixed', false) },
    ...FREEZE_MODES.filter((f) => f !== freeze).map((f): VariantSpec => ({
      id: `freeze-${f}`,
      label: `face crop, augmented, fine-tuned, ${FREEZE_LABELS[f]}`,
      ...tuned('face', true, f),
    })),
    ...[true, false]
      .filter((c) => c !== calibrate)
      .map((c): VariantSpec => ({
        id: c ? 'calibrate-on' : 'calibrate-off',
        label: `face crop, augmented, fine-tuned, ${FREEZE_LABELS[freeze]}, ${calibrateLabel(c)}`,
        ...tuned('face', true, freeze, c),
      })),
    {
      id: 'scratch',
      label: 'face crop, augmented, from scratch',
      faceModel: 'koch',
      crop: 'face',
      start: 'scratch',
      augment: true,
      augmentSet: 'all',
      epochs: scratchEpochs,
      freeze: 'none',
      calibrate,
    },
    {
      id: 'pretrained-face',
      label: 'face crop, pretrained only (no training)',
      faceModel: 'koch',
      crop: 'face',
      start: 'none',
      augment: false,
      augmentSet: 'all',
      epochs: 0,
      freeze: 'none',
      calibrate: false,
    },
    {
      id: 'pretrained-fixed',
      label: 'fixed square, pretrained only (no training)',
      faceModel: 'koch',
      crop: 'fixed',
      start: 'none',
      augment: false,
      augmentSet: 'all',
      epochs: 0,
      freeze: 'none',
      calibrate: false,
    },
  ];
  for (const id of only)
    if (!(VARIANT_IDS as readonly string[]).includes(id)) throw new Error(`unknown variant "${id}" (expected ${VARIANT_IDS.join(', ')})`);
  return all.filter((v) => only.includes(v.id));
}

/** Scores of one attempt set: the network's rates at the app's threshold, EER and AUC, and the pixel baseline at its EER point. */
export interface ConditionSummary {
  readonly attempts: { readonly genuine: number; readonly impostor: number };
  /** Attempts denied because the detector found no face (face crop only). */
  readonly noFace: { readonly genuine: number; readonly impostor: number };
  readonly network: RocSummary;
  /** The network's ROC operating points on the pooled verification fractions (REPORTED_POINTS). */
  readonly points: OperatingPoints;
  readonly pixel: PixelBaseline;
}

/** FRR at FAR ≤ REPORTED_POINTS.maxFar and FAR at FRR ≤ REPORTED_POINTS.maxFrr, thresholds on the pooled verification fraction. */
export interface OperatingPoints {
  readonly frrAtFar: RocPoint & { readonly maxFar: number };
  readonly farAtFrr: RocPoint & { readonly maxFrr: number };
}

export interface PixelBaseline {
  readonly frr: number;
  readonly far: number;
  readonly eer: number;
  readonly auc: number;
  /** Mean-L1 distance threshold (its EER point): granted when the distance is below it. */
  readonly distanceThreshold: number;
}

/**
 * Pools the attempts of every enrolment of one condition. The decision rule's own flags must agree
 * with "verification fraction > threshold" (a check that the bench scores what the app decides).
 */
export function summariseAttempts(
  genuine: readonly Attempt[],
  impostor: readonly Attempt[],
  verificationThreshold: number,
): ConditionSummary {
  const gv = genuine.map((a) => a.verification);
  const iv = impostor.map((a) => a.verification);
  const net = rocSummary(gv, iv, verificationThreshold);
  const { maxFar, maxFrr } = REPORTED_POINTS;
  const points: OperatingPoints = {
    frrAtFar: { ...frrAtFar(gv, iv, maxFar), maxFar },
    farAtFrr: { ...farAtFrr(gv, iv, maxFrr), maxFrr },
  };
  const grantedGenuine = genuine.filter((a) => a.granted).length;
  const grantedImpostor = impostor.filter((a) => a.granted).length;
  if (grantedGenuine !== Math.round((1 - net.frr) * genuine.length) || grantedImpostor !== Math.round(net.far * impostor.length)) {
    throw new Error('the granted flags disagree with the verification fractions');
  }
  // Pixel baseline: score = −distance; its threshold is its own EER point.
  const g = genuine.map((a) => -a.pixelDistance);
  const i = impostor.map((a) => -a.pixelDistance);
  const pix = rocSummary(g, i, 0);
  return {
    attempts: { genuine: genuine.length, impostor: impostor.length },
    noFace: { genuine: genuine.filter((a) => a.noFace).length, impostor: impostor.filter((a) => a.noFace).length },
    network: net,
    points,
    pixel: { ...ratesAt(g, i, pix.eerThreshold), eer: pix.eer, auc: pix.auc, distanceThreshold: -pix.eerThreshold },
  };
}

/** What the variant table needs of one enrolment. */
export interface EnrolmentAttempts {
  readonly variant: VariantId;
  readonly condition: Condition;
  readonly genuine: readonly Attempt[];
  readonly impostor: readonly Attempt[];
  readonly trainSeconds: number;
}

export type Scores = Pick<RocSummary, 'frr' | 'far' | 'eer' | 'auc'>;

export interface VariantRow extends Scores {
  readonly id: VariantId;
  readonly settings: VariantSpec;
  readonly attempts: ConditionSummary['attempts'];
  readonly noFace: ConditionSummary['noFace'];
  readonly points: OperatingPoints;
  readonly pixelBaseline: PixelBaseline;
  /** The same, in the same-camera condition (null when that condition did not run). */
  readonly sameCamera:
    | (Scores & {
        readonly attempts: ConditionSummary['attempts'];
        readonly noFace: ConditionSummary['noFace'];
        readonly points: OperatingPoints;
        readonly pixelBaseline: PixelBaseline;
      })
    | null;
  /** Issue #18's accuracy goals checked against this row (ACCURACY_GOALS). */
  readonly goals: readonly GoalCheck[];
  /** Mean training seconds per enrolment (plain and same-camera together; 0 when not trained). */
  readonly trainSeconds: number;
  readonly enrolments: number;
}

const scores = (s: ConditionSummary): Scores => ({ frr: s.network.frr, far: s.network.far, eer: s.network.eer, auc: s.network.auc });

/** One row per variant (in `variants` order), pooling its enrolments per condition. A variant with no plain enrolment is an error. */
export function buildVariantTable(
  variants: readonly VariantSpec[],
  enrolments: readonly EnrolmentAttempts[],
  verificationThreshold: number,
): VariantRow[] {
  return variants.map((v) => {
    const mine = enrolments.filter((e) => e.variant === v.id);
    const pooled = (c: Condition) => {
      const runs = mine.filter((e) => e.condition === c);
      return runs.length === 0
        ? null
        : summariseAttempts(
            runs.flatMap((e) => e.genuine),
            runs.flatMap((e) => e.impostor),
            verificationThreshold,
          );
    };
    const plain = pooled('plain');
    if (!plain) throw new Error(`variant ${v.id} has no enrolment in the plain condition`);
    const cam = pooled('sameCamera');
    return {
      id: v.id,
      settings: v,
      ...scores(plain),
      attempts: plain.attempts,
      noFace: plain.noFace,
      points: plain.points,
      pixelBaseline: plain.pixel,
      sameCamera: cam && { ...scores(cam), attempts: cam.attempts, noFace: cam.noFace, points: cam.points, pixelBaseline: cam.pixel },
      goals: checkGoals({ eer: plain.network.eer, frrAtFar: plain.points.frrAtFar }, cam && { farAtFrr: cam.points.farAtFrr }),
      trainSeconds: mine.reduce((a, e) => a + e.trainSeconds, 0) / mine.length,
      enrolments: mine.length,
    };
  });
}
