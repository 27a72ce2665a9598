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

// ---------------------------------------------------------------------------------------------
// ROC operating points of pooled attempts

/** One point of the ROC curve of pooled attempt scores: granted when score > threshold. */
export interface RocPoint {
  readonly frr: number;
  readonly far: number;
  /** Granted when an attempt's score is above this (−Infinity: every attempt granted). */
  readonly threshold: number;
}

/** Every threshold at which the decision "score > t" changes, lowest first: −Infinity and each distinct score. */
function thresholdsOf(genuine: readonly number[], impostor: readonly number[]): number[] {
  if (genuine.length === 0 || impostor.length === 0)
    throw new Error(`need genuine and impostor scores (got ${genuine.length} and ${impostor.length})`);
  return [-Infinity, ...[...new Set([...genuine, ...impostor])].sort((a, b) => a - b)];
}

/** Rates at each of `thresholds` (ascending), in one pass over the sorted scores. */
function ratesAlong(genuine: readonly number[], impostor: readonly number[], thresholds: readonly number[]): RocPoint[] {
  const g = [...genuine].sort((a, b) => a - b);
  const i = [...impostor].sort((a, b) => a - b);
  let gi = 0;
  let ii = 0;
  return thresholds.map((t) => {
    while (gi < g.length && !(g[gi]! > t)) gi++;
    while (ii < i.length && !(i[ii]! > t)) ii++;
    return { frr: gi / g.length, far: (i.length - ii) / i.length, threshold: t };
  });
}

/**
 * The lowest FRR whose FAR is at most `maxFar`: the lowest threshold on the pooled scores (an
 * attempt's verification fraction) that grants at most that share of impostor attempts. A
 * threshold above every score grants nothing (FAR 0), so there is always one.
 */
export function frrAtFar(genuine: readonly number[], impostor: readonly number[], maxFar: number): RocPoint {
  const points = ratesAlong(genuine, impostor, thresholdsOf(genuine, impostor));
  return points.find((p) => p.far <= maxFar)!;
}

/**
 * The lowest FAR whose FRR is at most `maxFrr`: the highest threshold that still grants all but
 * that share of genuine attempts. Granting everything (threshold −Infinity, FRR 0) always qualifies.
 */
export function farAtFrr(genuine: readonly number[], impostor: readonly number[], maxFrr: number): RocPoint {
  const points = ratesAlong(genuine, impostor, thresholdsOf(genuine, impostor));
  return points.filter((p) => p.frr <= maxFrr).at(-1)!;
}

/** The operating points the accuracy part reports per variant and condition (issue #18's goals name them). */
export const REPORTED_POINTS = { maxFar: 0.005, maxFrr: 0.05 } as const;

/**
 * Issue #18's accuracy goals for the app's default face model on people-dev-test: EER; FRR at the
 * strict operating point (FAR ≤ 0.5 %); and, same camera, FAR at the lenient one (FRR ≤ 5 %).
 */
export const ACCURACY_GOALS = {
  eer: 0.01,
  frrAtFar: { maxFar: REPORTED_POINTS.maxFar, frr: 0.03 },
  sameCameraFarAtFrr: { maxFrr: REPORTED_POINTS.maxFrr, far: 0.005 },
} as const;

export interface GoalCheck {
  readonly what: string;
  readonly condition: Condition;
  readonly value: number;
  /** Met when value ≤ goal. */
  readonly goal: number;
  readonly met: boolean;
}

/** The goals checked against one variant's numbers (null where a condition did not run). */
export function checkGoals(
  plain: { readonly eer: number; readonly frrAtFar: RocPoint },
  sameCamera: { readonly farAtFrr: RocPoint } | null,
): GoalCheck[] {
  const g = ACCURACY_GOALS;
  const check = (what: string, condition: Condition, value: number, goal: number): GoalCheck => ({
    what,
    condition,
    value,
    goal,
    met: value <= goal,
  });
  return [
    check('EER', 'plain', plain.eer, g.eer),
    check(`FRR at FAR ≤ ${100 * g.frrAtFar.maxFar} %`, 'plain', plain.frrAtFar.frr, g.frrAtFar.frr),
    ...(sameCamera
      ? [check(`FAR at FRR ≤ ${100 * g.sameCameraFarAtFrr.maxFrr} %`, 'sameCamera', sameCamera.farAtFrr.far, g.sameCameraFarAtFrr.far)]
      : []),
  ];
}
