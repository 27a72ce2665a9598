/**
 * The identification part (issue #20, several people) on the accuracy part's set-up: the same
 * simulated camera frames, face squares, captures with their jitter, bundled negatives and
 * face-recognition descriptors (bench/page/accuracy.ts), one model for several people.
 *
 * - training: the shipped head (loadStartingNetwork, as the app's training starts) trained with
 *   the app's train() and FACEREC_TRAINING_CONFIG on the pairs of src/data buildPeoplePairs over
 *   every enrolled person's anchors and positives (each person's positive pairs, pairs with the
 *   bundled negatives and, unless `cross` is off, pairs across the enrolled people: without them,
 *   the same split less those pairs), then
 *   calibrated as the app's session does (calibrateHead on anchors the pairs used and held-out
 *   negatives);
 * - verification images: every enrolled person's verification captures in one verifier, each
 *   owned by its person;
 * - an attempt: the frame's descriptor (describeFace at set-up, as the live app computes it)
 *   scored against all of them, then src/verify identify with the global thresholds and the
 *   margin (bench/common/identification.ts identifyAttempt). A frame without a face is denied.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FACEREC_CONFIG } from '../../src/config';
import { buildPeoplePairs, type Pair } from '../../src/data';
import { disposeNetwork, loadStartingNetwork } from '../../src/model';
import { createVerifier } from '../../src/verify';
import type { TargetPlan } from '../../tools/lfw';
import { identifyAttempt, type IdentAttempt } from '../common/identification';
import type { IdentificationRequest, IdentificationResult } from '../common/types';
import {
  accuracyState,
  describedBurst,
  faceRecOf,
  negativeDescriptors,
  stackDescriptors,
  trainOn,
  type DescribedBurst,
  type FaceRecState,
  type InputSource,
  type PairMaker,
  type State,
} from './accuracy';

const captureCount = (xs: readonly { burst: DescribedBurst }[]) => xs.reduce((n, x) => n + x.burst.ids.length, 0);

/** Each person's burst of one kind, described (or from the cache), and the seconds describing took here. */
async function burstsOf(
  s: State,
  fr: FaceRecState,
  req: IdentificationRequest,
  people: readonly TargetPlan[],
  kind: 'anchor' | 'positive' | 'verification',
): Promise<{ bursts: { person: string; burst: DescribedBurst }[]; seconds: number }> {
  const files = (t: TargetPlan) => (kind === 'anchor' ? t.anchors : kind === 'positive' ? t.positives : t.verification);
  const out: { person: string; burst: DescribedBurst }[] = [];
  let seconds = 0;
  for (const t of people) {
    const cached = fr.bursts.has(`${req.condition}|${kind}/${t.name}`);
    const burst = await describedBurst(s, fr, req.condition, t.name, files(t), kind);
    if (!cached) seconds += burst.seconds;
    out.push({ person: t.name, burst });
  }
  return { bursts: out, seconds };
}

/**
 * The pairs of several people from the captures' ids (each id's person known from its burst):
 * buildPeoplePairs. Without `cross`, the same split less its pairs across people (label 0 with two
 * captures): each person's positive pairs and bundled-negative pairs exactly as with them, so the
 * difference between the two runs is the hardest negatives alone.
 */
function peoplePairs(people: readonly string[], personOf: ReadonlyMap<string, string>, req: IdentificationRequest, s: State): PairMaker {
  const training = s.setup.faceRecTraining;
  const across = (p: Pair) => p.label === 0 && personOf.has(p.a) && personOf.has(p.b);
  return (anchors, positives, negatives) => {
    const split = buildPeoplePairs(
      people.map((person) => ({
        person,
        anchors: anchors.filter((id) => personOf.get(id) === person),
        positives: positives.filter((id) => personOf.get(id) === person),
      })),
      negatives,
      training,
    );
    return req.cross ? split : { train: split.train.filter((p) => !across(p)), test: split.test.filter((p) => !across(p)) };
  };
}

/**
 * One model for the enrolled people, trained on the captures of `req.condition`, and every
 * attempt (the enrolled people's test photos, the others' photos) identified among them.
 */
export async function identificationRun(req: IdentificationRequest): Promise<IdentificationResult> {
  const s = accuracyState();
  const fr = faceRecOf(s);
  const target = (i: number) => {
    const t = s.setup.targets[i];
    if (!t) throw new Error(`no target ${i}`);
    return t;
  };
  const enrolled = req.enrolled.map(target);
  const others = req.others.map(target);
  const people = enrolled.map((t) => t.name);
  const training = s.setup.faceRecTraining;
  const before = tf.memory().numTensors;

  // The captures first (described once per condition, cached for the other run).
  const anchors = await burstsOf(s, fr, req, enrolled, 'anchor');
  const positives = await burstsOf(s, fr, req, enrolled, 'positive');
  const verification = await burstsOf(s, fr, req, enrolled, 'verification');
  const personOf = new Map<string, string>();
  for (const { person, burst } of [...anchors.bursts, ...positives.bursts]) for (const id of burst.ids) personOf.set(id, person);
  const inputs = (xs: { burst: DescribedBurst }[]) => ({
    ids: xs.flatMap((x) => x.burst.ids),
    images: stackDescriptors(xs.flatMap((x) => x.burst.descriptors)),
  });
  // Describing bundled negatives (on first use: the pairs' and the calibration cohort's) is timed apart from training.
  let negativeSeconds = 0;
  const source: InputSource = {
    anchors: async () => inputs(anchors.bursts),
    positives: async () => inputs(positives.bursts),
    negatives: async (ids) => {
      const t0 = performance.now();
      try {
        return await negativeDescriptors(fr, ids);
      } finally {
        negativeSeconds += (performance.now() - t0) / 1000;
      }
    },
    augment: undefined,
  };

  const net = await loadStartingNetwork(import.meta.env.BASE_URL, DEFAULT_FACEREC_CONFIG);
  const attempts: IdentAttempt[] = [];
  let trained: Awaited<ReturnType<typeof trainOn>>;
  let scoreSeconds: number;
  try {
    trained = await trainOn(
      net,
      `${people.length} people (${req.cross ? 'cross pairs' : 'no cross pairs'}, ${req.condition})`,
      training,
      source,
      peoplePairs(people, personOf, req, s),
    );
    const t0 = performance.now();
    const owners = verification.bursts.flatMap((x) => x.burst.ids.map(() => x.person));
    const verifier = createVerifier(net);
    try {
      const all = stackDescriptors(verification.bursts.flatMap((x) => x.burst.descriptors));
      try {
        verifier.setVerificationImages(all);
      } finally {
        all.dispose();
      }
      const attempt = async (t: TargetPlan, file: string, isEnrolled: boolean): Promise<IdentAttempt> => {
        const descriptor = fr.frames.get(`${req.condition}|${t.name}/${file}`);
        const who = { person: t.name, file, enrolled: isEnrolled };
        if (!descriptor) return identifyAttempt(who, null, owners, people, s.setup.verify, req.margin);
        const x = tf.tensor1d(descriptor);
        try {
          const d = await verifier.verify(x, s.setup.verify);
          return identifyAttempt(who, d.scores, owners, people, s.setup.verify, req.margin);
        } finally {
          x.dispose();
        }
      };
      for (const t of enrolled) for (const file of t.test) attempts.push(await attempt(t, file, true));
      for (const t of others) for (const file of t.test) attempts.push(await attempt(t, file, false));
    } finally {
      verifier.dispose();
    }
    scoreSeconds = (performance.now() - t0) / 1000;
  } finally {
    disposeNetwork(net);
  }
  const pairs: Pair[] = [...trained.split.train, ...trained.split.test];
  const negativePairs = pairs.filter((p) => p.label === 0);
  const crossPairs = negativePairs.filter((p) => personOf.has(p.a) && personOf.has(p.b)).length;
  return {
    condition: req.condition,
    cross: req.cross,
    people,
    attempts,
    counts: {
      anchors: captureCount(anchors.bursts),
      positives: captureCount(positives.bursts),
      negatives: trained.counts.negatives,
      verification: captureCount(verification.bursts),
      trainPairs: trained.split.train.length,
      testPairs: trained.split.test.length,
      positivePairs: pairs.length - negativePairs.length,
      bundledNegativePairs: negativePairs.length - crossPairs,
      crossPairs,
    },
    history: trained.history,
    calibration: trained.calibration,
    describeSeconds: anchors.seconds + positives.seconds + verification.seconds,
    negativeSeconds,
    trainSeconds: trained.seconds,
    scoreSeconds,
    medianStepMs: trained.medianStepMs,
    leakedTensors: tf.memory().numTensors - before,
  };
}
