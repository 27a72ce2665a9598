/**
 * Operating points of the calibration, offline: from a `--scores` dump (bench/node/run.ts
 * writeScores), what the app's decision rule gives when each enrolment's model is calibrated to
 * another target share of its cohort (src/training calibrate.ts), without training again. Plain
 * arrays, no tf.js.
 *
 * A calibration only moves the classifier bias, so every logit of one model moves by the same
 * amount: the dump's scores (after the variant's own calibration, `biasShift`) give the logits as
 * trained, and a target t gives the bias that the app would have set. Scores that float32 rounds
 * to 0 or 1 have logits clamped to ±MAX_LOGIT: far past any threshold a target of 0.1 %–50 % picks.
 */
import { logitThresholdAtFar } from '../../src/training';
import { rocSummary } from '../../tools/common';
import type { Condition } from './types';

export interface ScoreDumpAttempt {
  readonly person: string;
  readonly file: string;
  readonly noFace: boolean;
  readonly scores: readonly number[];
}

export interface ScoreDumpEnrolment {
  readonly target: string;
  readonly variant: string;
  readonly condition: Condition;
  readonly biasShift: number;
  readonly cohortLogits: readonly number[] | null;
  readonly genuine: readonly ScoreDumpAttempt[];
  readonly impostor: readonly ScoreDumpAttempt[];
}

export const MAX_LOGIT = 30;

/** The logit of a score, clamped to ±MAX_LOGIT. */
export function logitOf(score: number): number {
  if (!(score > 0)) return -MAX_LOGIT;
  if (!(score < 1)) return MAX_LOGIT;
  return Math.max(-MAX_LOGIT, Math.min(MAX_LOGIT, Math.log(score) - Math.log1p(-score)));
}

/** Verification fraction of one attempt when the model's logits as trained are thresholded at `t` (a logit). */
function fractionAt(a: ScoreDumpAttempt, biasShift: number, t: number): number {
  if (a.noFace || a.scores.length === 0) return 0;
  return a.scores.filter((s) => logitOf(s) - biasShift > t).length / a.scores.length;
}

export interface OperatingPoint {
  /** Target share of the cohort above 0.5, or null for the model as trained (no calibration). */
  readonly target: number | null;
  readonly condition: Condition;
  readonly frr: number;
  readonly far: number;
  readonly eer: number;
  readonly auc: number;
  /** The logit threshold each enrolment got (its bias moves by minus this), in dump order. */
  readonly thresholds: readonly number[];
}

/**
 * Pooled FRR, FAR (at `verificationThreshold`), EER and AUC of the enrolments of one condition,
 * each calibrated to `target` on its own cohort (null: as trained, threshold 0). Enrolments
 * without a cohort (untrained variants) are refused.
 */
export function operatingPoint(
  enrolments: readonly ScoreDumpEnrolment[],
  condition: Condition,
  target: number | null,
  verificationThreshold = 0.5,
): OperatingPoint {
  const mine = enrolments.filter((e) => e.condition === condition);
  if (mine.length === 0) throw new Error(`no enrolment in the ${condition} condition`);
  const genuine: number[] = [];
  const impostor: number[] = [];
  const thresholds: number[] = [];
  for (const e of mine) {
    if (!e.cohortLogits || e.cohortLogits.length === 0)
      throw new Error(`${e.target} / ${e.variant}: no cohort logits (an untrained variant?)`);
    const t = target === null ? 0 : logitThresholdAtFar(e.cohortLogits, target);
    thresholds.push(t);
    genuine.push(...e.genuine.map((a) => fractionAt(a, e.biasShift, t)));
    impostor.push(...e.impostor.map((a) => fractionAt(a, e.biasShift, t)));
  }
  const r = rocSummary(genuine, impostor, verificationThreshold);
  return { target, condition, frr: r.frr, far: r.far, eer: r.eer, auc: r.auc, thresholds };
}
