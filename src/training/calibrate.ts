import * as tf from '@tensorflow/tfjs';
import { faceModelOf, type FaceModel } from '../config';
import { deriveSeed, shuffled } from '../data';
import { shiftClassifierBias, type SiameseNetwork } from '../model';
import { logitThresholdAtFar } from './operating-point';

export { logitThresholdAtFar };

/**
 * Calibration after training: moves the classifier's bias so that the detection threshold (0.5)
 * accepts a fixed fraction of comparisons between the user's anchors and faces of people the run
 * never trained on (held-out negatives). Fine-tuning on one person's captures leaves each user's
 * model with its own scale: one run ends looser than another, and a short run can end strict
 * (bench/results/reference.md has the measured spread). After
 * calibration every user's model stands at the same operating point on unseen people, the one the
 * bundled pretrained model is calibrated to (scripts/pretrain/calibrate.mjs, --target-far 0.05).
 * Only the bias changes, so the model's ranking of faces stays exactly as training left it.
 */

/**
 * Fraction of (anchor, unseen person) comparisons that may score above 0.5, per face model. The
 * reference network: the operating point its bundled pretrained network is calibrated to
 * (scripts/pretrain/calibrate.mjs --target-far 0.05). The face-recognition head: 1 %, looser than
 * its pretrained head's 0.5 % of stranger pairs. A head trained on one sitting's captures scores the
 * same person's other photos lower than the pretrained head does, so at 0.5 % of the user's cohort
 * it denies more of them; the vote over N verification images keeps the impostor attempts granted
 * far below the per-comparison 1 % (bench/results/reference.md, "The calibration target").
 */
export const CALIBRATION_TARGET_FAR: Readonly<Record<FaceModel, number>> = { koch: 0.05, facerec: 0.01 };

/** The operating point and the cohort sizes of the app's calibration. */
export const CALIBRATION = {
  /** The reference network's target (CALIBRATION_TARGET_FAR.koch). */
  targetFar: CALIBRATION_TARGET_FAR.koch,
  /** Held-out negatives scored (at most). */
  negatives: 200,
  /** Anchors each held-out negative is compared with (at most). */
  anchors: 16,
  /** Fewer held-out negatives than this: no calibration (the rate would mean little). */
  minNegatives: 40,
} as const;

export interface CalibrationResult {
  readonly targetFar: number;
  readonly anchors: number;
  readonly negatives: number;
  /** The classifier bias moved by this much (added). */
  readonly biasShift: number;
  /** Fraction of the cohort's comparisons above 0.5 before and after the shift. */
  readonly farBefore: number;
  readonly farAfter: number;
}

/** Salt of the cohort's seed (deriveSeed(config seed, salt)): apart from the pair shuffles'. */
const COHORT_SALT = 0xca11b;

export interface CalibrationCohort {
  readonly anchors: readonly string[];
  /** Held-out negatives: none of them is in a training or test pair. */
  readonly negatives: readonly string[];
}

/**
 * The samples a run calibrates on, chosen by seed: up to CALIBRATION.anchors of the anchors the
 * pairs use, and up to CALIBRATION.negatives of the negatives no pair uses. Null when fewer than
 * CALIBRATION.minNegatives negatives are left out of the pairs (or no anchor is used).
 */
export function calibrationCohort(
  usedAnchors: readonly string[],
  allNegatives: readonly string[],
  used: ReadonlySet<string>,
  seed: number,
): CalibrationCohort | null {
  const heldOut = [...new Set(allNegatives)].filter((id) => !used.has(id)).sort();
  if (heldOut.length < CALIBRATION.minNegatives || usedAnchors.length === 0) return null;
  const s = deriveSeed(seed, COHORT_SALT);
  return {
    anchors: shuffled([...new Set(usedAnchors)].sort(), s).slice(0, CALIBRATION.anchors),
    negatives: shuffled(heldOut, deriveSeed(s, 1)).slice(0, CALIBRATION.negatives),
  };
}

/** What a run's calibration came to, saved with the trained model (TrainingSummary.calibration). */
export type CalibrationOutcome =
  ({ readonly kind: 'calibrated' } & CalibrationResult) | { readonly kind: 'skipped'; readonly reason: string };

/**
 * Embeddings of the network's inputs (images [n, s, s, 3], or face descriptors [n, 128]) in
 * batches, as one [n, d] tensor.
 */
function embed(net: SiameseNetwork, images: tf.Tensor, batchSize: number): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  const rest = images.shape.slice(1).map(() => -1);
  try {
    for (let start = 0; start < images.shape[0]!; start += batchSize) {
      const size = Math.min(batchSize, images.shape[0]! - start);
      const begin = [start, ...rest.map(() => 0)];
      parts.push(tf.tidy(() => net.embedding.predict(tf.slice(images, begin, [size, ...rest])) as tf.Tensor2D));
    }
    return tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}

/** The head's logits (w · |e_a − e_n| + b) for every (anchor, negative) embedding pair, anchor-major. */
function headLogits(net: SiameseNetwork, a: tf.Tensor2D, n: tf.Tensor2D): Float32Array {
  const [kernel, bias] = net.classifier.getWeights();
  if (!kernel || !bias) throw new Error('calibrate: the classifier has no kernel and bias');
  const out = new Float32Array(a.shape[0] * n.shape[0]);
  for (let i = 0; i < a.shape[0]; i++) {
    const z = tf.tidy(() => tf.add(tf.matMul(tf.abs(tf.sub(n, tf.slice(a, [i, 0], [1, -1]))), kernel), bias));
    out.set(z.dataSync(), i * n.shape[0]);
    z.dispose();
  }
  return out;
}

/** The head's logits for every (anchor, negative) image pair, anchor-major (tests and the benchmark). */
export function cohortLogits(net: SiameseNetwork, anchors: tf.Tensor, negatives: tf.Tensor, batchSize = 16): Float32Array {
  const a = embed(net, anchors, batchSize);
  const n = embed(net, negatives, batchSize);
  try {
    return headLogits(net, a, n);
  } finally {
    tf.dispose([a, n]);
  }
}

/** What calibrateHead did, and the cohort's logits as trained (anchor-major), which the benchmark keeps. */
export interface Calibrated {
  readonly result: CalibrationResult;
  readonly logitsAsTrained: Float32Array;
}

/**
 * Calibrates `net` in place on `anchors` (the user's captures) against `negatives` (faces the run
 * did not train on): the bias moves by −t, t from logitThresholdAtFar(logits, targetFar). Both
 * sets are used whole (the caller picks them) and embedded once. farAfter is measured on the
 * shifted model.
 */
export function calibrateHead(
  net: SiameseNetwork,
  anchors: tf.Tensor,
  negatives: tf.Tensor,
  targetFar: number = CALIBRATION_TARGET_FAR[faceModelOf(net.config)],
): Calibrated {
  if (anchors.shape[0] === 0 || negatives.shape[0] === 0)
    throw new Error(`calibrate: need anchors and negatives (got ${anchors.shape[0]} and ${negatives.shape[0]})`);
  const a = embed(net, anchors, 16);
  const n = embed(net, negatives, 16);
  try {
    const rate = (logits: Float32Array) => logits.filter((z) => z > 0).length / logits.length;
    const before = headLogits(net, a, n);
    const t = logitThresholdAtFar(Array.from(before), targetFar);
    shiftClassifierBias(net, t);
    const result = {
      targetFar,
      anchors: anchors.shape[0],
      negatives: negatives.shape[0],
      biasShift: -t,
      farBefore: rate(before),
      farAfter: rate(headLogits(net, a, n)),
    };
    return { result, logitsAsTrained: before };
  } finally {
    tf.dispose([a, n]);
  }
}
