/**
 * How long a run with other settings (the full run, from a quick run) would take, from what this
 * run measured: per part, a cost model of the work (training steps, scored attempts, repetitions,
 * photos) priced with this run's own timings, plus the part's time the model does not explain
 * (page loads, set-up), carried over unchanged. Plain arithmetic.
 */
import { pairCounts } from '../../src/data';
import type { VariantSpec } from './variants';

/** What the work of a part costs under `now`'s settings and under `then`'s: the measured time scales from one to the other. */
export function extrapolate(measuredSeconds: number, modelledNow: number, modelledThen: number): number {
  return modelledThen + Math.max(0, measuredSeconds - modelledNow);
}

/** Timings of the accuracy part's work, measured in a run. */
export interface EnrolmentCosts {
  /** One training step (batch `batchSize`), ms. */
  readonly stepMs: number;
  /** Evaluating one test pair at the end of an epoch, ms. */
  readonly evalMsPerPair: number;
  /** Scoring one attempt (verify + pixel distance), ms. */
  readonly msPerAttempt: number;
  /** Getting the starting network of one enrolment, s. */
  readonly loadSeconds: Readonly<Record<VariantSpec['start'], number>>;
  /** The face-recognition variants' costs (null when none ran: they are then priced at 0). */
  readonly faceRec: FaceRecCosts | null;
}

/** Timings of the face-recognition variants' work (the Koch costs above are the Koch variants'). */
export interface FaceRecCosts {
  /** One training step of the head (batch `batchSize` of the plan), ms. */
  readonly stepMs: number;
  readonly evalMsPerPair: number;
  readonly msPerAttempt: number;
  /** Describing one capture or negative (describeStill: detect, refine, align, backbone), ms. */
  readonly describeMs: number;
  readonly loadSeconds: Readonly<Record<VariantSpec['start'], number>>;
}

/** The accuracy part's work under some settings. */
export interface AccuracyPlan {
  /** Test photos of each target person. */
  readonly testPhotos: readonly number[];
  /** Enrolment photos per person (anchors, positives, verification). */
  readonly anchorPhotos: number;
  readonly positivePhotos: number;
  readonly verificationPhotos: number;
  readonly variants: readonly Pick<VariantSpec, 'start' | 'epochs' | 'faceModel'>[];
  /** 1 (plain) or 2 (plain and same camera). */
  readonly conditions: number;
  readonly capturesPerPhoto: number;
  readonly samplesPerClass: number;
  readonly trainFraction: number;
  readonly batchSize: number;
  /** The face-recognition head's training batch. */
  readonly faceRecBatchSize: number;
  readonly negatives: number;
  /** Held-out negatives a calibrated enrolment scores (the face-recognition variants describe them once). */
  readonly calibrationNegatives: number;
}

export interface AccuracyWork {
  readonly enrolments: number;
  readonly trainingSteps: number;
  readonly attempts: number;
  readonly seconds: number;
}

/** Enrolments, training steps, scored attempts and their modelled seconds for a plan. */
export function accuracyWork(plan: AccuracyPlan, costs: EnrolmentCosts): AccuracyWork {
  const pairs = pairCounts(
    {
      anchors: plan.anchorPhotos * plan.capturesPerPhoto,
      positives: plan.positivePhotos * plan.capturesPerPhoto,
      negatives: plan.negatives,
    },
    { samplesPerClass: plan.samplesPerClass, trainFraction: plan.trainFraction },
  );
  const enrolmentPhotos = plan.anchorPhotos + plan.positivePhotos + plan.verificationPhotos;
  const allTest = plan.testPhotos.reduce((a, b) => a + b, 0);
  // Every enrolment scores every target's test photos and the person's own enrolment photos.
  const attemptsPerEnrolment = allTest + enrolmentPhotos;
  const people = plan.testPhotos.length;
  const zero = { stepMs: 0, evalMsPerPair: 0, msPerAttempt: 0, describeMs: 0, loadSeconds: { pretrained: 0, scratch: 0, none: 0 } };
  const faceRec = costs.faceRec ?? zero;
  let enrolments = 0;
  let trainingSteps = 0;
  let ms = 0;
  for (const v of plan.variants) {
    const c = v.faceModel === 'facerec' ? faceRec : costs;
    const stepsPerEpoch = Math.ceil(pairs.train / (v.faceModel === 'facerec' ? plan.faceRecBatchSize : plan.batchSize));
    const n = people * plan.conditions;
    const epochs = v.start === 'none' ? 0 : v.epochs;
    enrolments += n;
    trainingSteps += n * epochs * stepsPerEpoch;
    ms +=
      n *
      (1000 * c.loadSeconds[v.start] +
        epochs * (stepsPerEpoch * c.stepMs + pairs.test * c.evalMsPerPair) +
        attemptsPerEnrolment * c.msPerAttempt);
  }
  // The face-recognition variants share descriptors: each person's captures once per condition,
  // the negatives of the pairs and the calibration cohort once.
  if (plan.variants.some((v) => v.faceModel === 'facerec')) {
    const captures = people * plan.conditions * enrolmentPhotos * plan.capturesPerPhoto;
    const negatives = Math.min(plan.negatives, pairs.used.negatives + plan.calibrationNegatives);
    ms += (captures + negatives) * faceRec.describeMs;
  }
  return { enrolments, trainingSteps, attempts: enrolments * attemptsPerEnrolment, seconds: ms / 1000 };
}

/** Repetitions of the speed and verify parts. */
export interface SpeedReps {
  readonly warmup: number;
  readonly forwardReps: number;
  readonly stepReps: number;
}

/** One speed run's measured medians (a Chromium page's backend, or a backend in the bench's Node process). */
export interface BackendCost {
  readonly embedForwardMs: number;
  /** null when no face detection was timed (the Node runs). */
  readonly detectMs: number | null;
  /** null when no step was timed. */
  readonly trainStepMs: number | null;
}

/** Modelled seconds of the speed part: per run, (warm-up + reps) forward passes and detections (when timed), and steps (when timed). */
export function speedWork(backends: readonly { readonly cost: BackendCost; readonly reps: SpeedReps }[]): number {
  let ms = 0;
  for (const { cost, reps } of backends) {
    ms += (reps.warmup + reps.forwardReps) * (cost.embedForwardMs + (cost.detectMs ?? 0));
    if (cost.trainStepMs !== null) ms += (reps.warmup + reps.stepReps) * cost.trainStepMs;
  }
  return ms / 1000;
}

/** One verify row's measured medians. */
export interface VerifyCost {
  readonly n: number;
  readonly cachedFrameMs: number;
  readonly fixedFrameMs: number;
  readonly faceFrameMs: number;
  /** The face-recognition frame and its backbone pass alone (absent in runs from before it was timed). */
  readonly faceRecFrameMs?: number;
  readonly faceRecBackboneMs?: number;
  readonly embedForwardMs: number;
  readonly naiveFrameMs: number;
  readonly cacheBuildMs: number;
}

/** Modelled seconds of the verify part: per n, the cache build, the cached/fixed/face frames and the reference way's frames. */
export function verifyWork(
  rows: readonly VerifyCost[],
  reps: { readonly warmup: number; readonly cachedReps: number; readonly naiveReps: number },
): number {
  let ms = 0;
  for (const r of rows) {
    ms +=
      r.cacheBuildMs +
      (reps.warmup + reps.cachedReps) * (r.cachedFrameMs + r.fixedFrameMs + r.faceFrameMs + (r.faceRecFrameMs ?? 0)) +
      reps.cachedReps * (r.embedForwardMs + (r.faceRecBackboneMs ?? 0)) +
      reps.naiveReps * r.naiveFrameMs;
  }
  return ms / 1000;
}
