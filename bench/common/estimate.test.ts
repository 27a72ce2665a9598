import { describe, expect, it } from 'vitest';
import { accuracyWork, extrapolate, speedWork, verifyWork, type AccuracyPlan, type EnrolmentCosts } from './estimate';

const costs: EnrolmentCosts = {
  stepMs: 1000,
  evalMsPerPair: 10,
  msPerAttempt: 100,
  loadSeconds: { pretrained: 2, scratch: 1, none: 0 },
  faceRec: null,
};

describe('accuracyWork', () => {
  const plan: AccuracyPlan = {
    testPhotos: [7, 94],
    anchorPhotos: 5,
    positivePhotos: 5,
    verificationPhotos: 5,
    variants: [
      { start: 'pretrained', epochs: 5, faceModel: 'koch' },
      { start: 'none', epochs: 0, faceModel: 'koch' },
    ],
    conditions: 2,
    capturesPerPhoto: 20,
    samplesPerClass: 300,
    trainFraction: 0.7,
    batchSize: 16,
    faceRecBatchSize: 8,
    negatives: 1200,
    calibrationNegatives: 200,
  };

  it('counts enrolments, steps and attempts as the protocol runs them', () => {
    const w = accuracyWork(plan, costs);
    // 100 anchors, 100 positives, 300 of the 1200 negatives → 400 pairs: 280 train (18 steps), 120 test.
    expect(w.enrolments).toBe(2 * 2 * 2);
    expect(w.trainingSteps).toBe(2 * 2 * 5 * 18);
    expect(w.attempts).toBe(8 * (7 + 94 + 15));
    const trained = 2 + 5 * (18 * 1 + 120 * 0.01) + 116 * 0.1;
    const untrained = 116 * 0.1;
    expect(w.seconds).toBeCloseTo(4 * trained + 4 * untrained, 9);
  });

  it('scales with captures and samples per class (the quick settings train one step an epoch)', () => {
    const quick = accuracyWork(
      { ...plan, capturesPerPhoto: 2, samplesPerClass: 8, variants: [{ start: 'pretrained', epochs: 1, faceModel: 'koch' }] },
      costs,
    );
    // 8 + 8 pairs → 11 train (1 step), 5 test.
    expect(quick.trainingSteps).toBe(2 * 2 * 1);
    expect(quick.seconds).toBeCloseTo(4 * (2 + 1 + 5 * 0.01 + 116 * 0.1), 9);
  });

  it('prices the face-recognition variants with their own costs and batch, and describes their captures and negatives once', () => {
    const faceRec = {
      stepMs: 5,
      evalMsPerPair: 0.1,
      msPerAttempt: 20,
      describeMs: 150,
      loadSeconds: { pretrained: 0.5, scratch: 0, none: 0.2 },
    };
    const w = accuracyWork(
      {
        ...plan,
        variants: [
          { start: 'pretrained', epochs: 30, faceModel: 'facerec' },
          { start: 'none', epochs: 0, faceModel: 'facerec' },
        ],
      },
      { ...costs, faceRec },
    );
    // 280 train pairs at batch 8 → 35 steps an epoch.
    expect(w.trainingSteps).toBe(2 * 2 * 30 * 35);
    const trained = 0.5 + 30 * (35 * 0.005 + 120 * 0.0001) + 116 * 0.02;
    const untrained = 0.2 + 116 * 0.02;
    // 2 people × 2 conditions × 15 photos × 20 captures, and 300 pair negatives + 200 held out.
    const describe = (2 * 2 * 15 * 20 + 500) * 0.15;
    expect(w.seconds).toBeCloseTo(4 * trained + 4 * untrained + describe, 9);
    // Not measured (no face-recognition variant ran): priced at nothing.
    expect(accuracyWork({ ...plan, variants: [{ start: 'none', epochs: 0, faceModel: 'facerec' }] }, costs).seconds).toBeCloseTo(0, 12);
  });
});

describe('extrapolate', () => {
  it('carries the unexplained time over and never lets it go negative', () => {
    expect(extrapolate(100, 80, 800)).toBe(820);
    expect(extrapolate(70, 80, 800)).toBe(800);
  });
});

describe('speedWork and verifyWork', () => {
  it('price the repetitions with the medians', () => {
    const cost = { embedForwardMs: 100, detectMs: 50, trainStepMs: 2000 };
    expect(speedWork([{ cost, reps: { warmup: 1, forwardReps: 5, stepReps: 2 } }])).toBeCloseTo((6 * 150 + 3 * 2000) / 1000, 12);
    expect(speedWork([{ cost: { ...cost, trainStepMs: null }, reps: { warmup: 2, forwardReps: 3, stepReps: 10 } }])).toBeCloseTo(
      (5 * 150) / 1000,
      12,
    );
    // A Node run: no detection timed.
    expect(speedWork([{ cost: { ...cost, detectMs: null }, reps: { warmup: 1, forwardReps: 5, stepReps: 2 } }])).toBeCloseTo(
      (6 * 100 + 3 * 2000) / 1000,
      12,
    );
    const row = {
      n: 10,
      cachedFrameMs: 80,
      fixedFrameMs: 90,
      faceFrameMs: 120,
      embedForwardMs: 75,
      naiveFrameMs: 3000,
      cacheBuildMs: 1200,
    };
    expect(verifyWork([row], { warmup: 1, cachedReps: 5, naiveReps: 1 })).toBeCloseTo((1200 + 6 * 290 + 5 * 75 + 3000) / 1000, 12);
    // With the face-recognition frame (and its backbone pass, timed alone).
    const both = { ...row, faceRecFrameMs: 60, faceRecBackboneMs: 40 };
    expect(verifyWork([both], { warmup: 1, cachedReps: 5, naiveReps: 1 })).toBeCloseTo((1200 + 6 * 350 + 5 * 115 + 3000) / 1000, 12);
  });
});
