import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSiamese, disposeNetwork } from '../model';
import { useWasmBackend } from '../../tools/common/node-backend';
import { seedWeights } from '../../tools/common';
import { CALIBRATION, calibrateHead, calibrationCohort, cohortLogits, logitThresholdAtFar } from './calibrate';

const MODEL = { inputSize: 58, filters: [4, 8, 8, 8] as [number, number, number, number], embeddingSize: 16 };

beforeAll(async () => {
  await useWasmBackend();
});

describe('logitThresholdAtFar', () => {
  it('lies midway above the highest logit it must deny, with at most that share strictly above it', () => {
    const logits = [0.3, -1, 2, 5, 0.1, -0.4, 1.5, 4, -2, 0];
    expect(logitThresholdAtFar(logits, 0)).toBe(7.5); // nothing above the largest (5 + max(1, 5) / 2)
    expect(logitThresholdAtFar(logits, 0.1)).toBe(4.5); // only 5 is above
    expect(logitThresholdAtFar(logits, 0.25)).toBe(3); // floor(2.5) = 2 above: 4, 5
    expect(logitThresholdAtFar(logits, 0.95)).toBe(-1.5);
    // Ties at the denied value are all denied.
    expect(logitThresholdAtFar([1, 1, 1, 3], 0.5)).toBe(2);
    for (const far of [0, 0.05, 0.3, 0.5, 0.99]) {
      const t = logitThresholdAtFar(logits, far);
      expect(logits.filter((z) => z > t).length).toBeLessThanOrEqual(Math.floor(far * logits.length));
    }
  });
  it('refuses no logits and a share outside [0, 1)', () => {
    expect(() => logitThresholdAtFar([], 0.05)).toThrow(/no logits/);
    expect(() => logitThresholdAtFar([1], 1)).toThrow(/\[0, 1\)/);
    expect(() => logitThresholdAtFar([1], -0.1)).toThrow(/\[0, 1\)/);
  });
});

describe('calibrationCohort', () => {
  const negatives = Array.from({ length: 300 }, (_, i) => `n${String(i).padStart(3, '0')}`);
  const anchors = Array.from({ length: 30 }, (_, i) => `a${i}`);
  const used = new Set([...anchors.slice(0, 20), ...negatives.slice(0, 50)]);

  it('takes seeded anchors the pairs used and held-out negatives only, capped', () => {
    const c = calibrationCohort(anchors.slice(0, 20), negatives, used, 42)!;
    expect(c.anchors).toHaveLength(CALIBRATION.anchors);
    expect(c.negatives).toHaveLength(CALIBRATION.negatives);
    expect(c.anchors.every((id) => used.has(id))).toBe(true);
    expect(c.negatives.some((id) => used.has(id))).toBe(false);
    expect(new Set(c.negatives).size).toBe(c.negatives.length);
    // Repeatable for a seed, whatever the input order; another seed picks others.
    expect(calibrationCohort([...anchors.slice(0, 20)].reverse(), [...negatives].reverse(), used, 42)).toEqual(c);
    expect(calibrationCohort(anchors.slice(0, 20), negatives, used, 43)!.negatives).not.toEqual(c.negatives);
  });
  it('is null with too few held-out negatives or no anchor', () => {
    const few = negatives.slice(0, 50 + CALIBRATION.minNegatives - 1);
    expect(calibrationCohort(anchors.slice(0, 20), few, used, 1)).toBeNull();
    expect(calibrationCohort(anchors.slice(0, 20), negatives.slice(0, 50 + CALIBRATION.minNegatives), used, 1)!.negatives).toHaveLength(
      CALIBRATION.minNegatives,
    );
    expect(calibrationCohort([], negatives, used, 1)).toBeNull();
  });
});

describe('calibrateHead', () => {
  it('moves only the classifier bias, so that the target share of comparisons is above 0.5; ranking unchanged; no tensors left', () => {
    const net = buildSiamese(MODEL);
    seedWeights(net, 7);
    // A head that says "same" to most pairs, as an over-loose fine-tuning might end.
    const [kernel] = net.classifier.getWeights();
    const loose = tf.tensor1d([4]);
    net.classifier.setWeights([kernel!, loose]);
    loose.dispose();
    const anchors = tf.randomUniform([5, 58, 58, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const negatives = tf.randomUniform([60, 58, 58, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const others = net.model.weights.filter((w) => !w.originalName.startsWith('classifier/bias')).map((w) => w.read().dataSync().slice());
    const before = Array.from(cohortLogits(net, anchors, negatives));
    const tensors = tf.memory().numTensors;

    const { result: r, logitsAsTrained } = calibrateHead(net, anchors, negatives, 0.1);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Array.from(logitsAsTrained)).toEqual(before);
    const after = Array.from(cohortLogits(net, anchors, negatives));
    expect(r).toMatchObject({ targetFar: 0.1, anchors: 5, negatives: 60 });
    expect(r.farBefore).toBe(before.filter((z) => z > 0).length / 300);
    expect(r.farBefore).toBeGreaterThan(0.5);
    expect(r.farAfter).toBe(after.filter((z) => z > 0).length / 300);
    expect(r.farAfter).toBeLessThanOrEqual(0.1);
    expect(r.farAfter).toBeGreaterThan(0.08); // the lowest such threshold: no stricter than it must be
    expect(net.classifier.getWeights()[1]!.dataSync()[0]).toBeCloseTo(4 + r.biasShift, 5);
    after.forEach((z, i) => expect(z - before[i]!).toBeCloseTo(r.biasShift, 4));
    const still = net.model.weights.filter((w) => !w.originalName.startsWith('classifier/bias')).map((w) => w.read().dataSync());
    still.forEach((w, i) => expect(w).toEqual(others[i]));
    // The whole network's score agrees with the head's logit after the shift.
    const p = tf.tidy(() => net.model.predict([tf.slice(anchors, 0, 1), tf.slice(negatives, 0, 1)]) as tf.Tensor);
    expect(p.dataSync()[0]).toBeCloseTo(1 / (1 + Math.exp(-after[0]!)), 5);
    p.dispose();

    // Strict heads are loosened the same way (the operating point is the target, not "at most").
    const strict = calibrateHead(net, anchors, negatives, 0.3).result;
    expect(strict.biasShift).toBeGreaterThan(0);
    expect(strict.farBefore).toBe(r.farAfter);
    expect(strict.farAfter).toBeLessThanOrEqual(0.3);
    expect(strict.farAfter).toBeGreaterThan(0.25);
    tf.dispose([anchors, negatives]);
    disposeNetwork(net);
  });
  it('refuses an empty set', () => {
    const net = buildSiamese(MODEL);
    const none = tf.zeros([0, 58, 58, 3]) as tf.Tensor4D;
    const one = tf.zeros([1, 58, 58, 3]) as tf.Tensor4D;
    expect(() => calibrateHead(net, none, one)).toThrow(/need anchors and negatives/);
    tf.dispose([none, one]);
    disposeNetwork(net);
  });
});
