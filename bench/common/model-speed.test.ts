import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSiamese, disposeNetwork } from '../../src/model';
import { useWasmBackend } from '../../tools/common/node-backend';
import { median } from '../../tools/common';
import { buildBackbone, buildHead, CHIP_SIZE, DESCRIPTOR_SIZE, disposeHead } from '../../src/facerec';
import {
  seededChips,
  seededDescriptors,
  seededImages,
  stepNote,
  timeFaceRec,
  timeForward,
  timeModel,
  timeRuns,
  timeTrainSteps,
} from './model-speed';
import type { ModelSpeedRequest } from './types';

const SMALL = { inputSize: 64, filters: [4, 8, 8, 8] as [number, number, number, number], embeddingSize: 16 };
const REQ: ModelSpeedRequest = { model: SMALL, step: true, batchSize: 4, warmup: 1, forwardReps: 3, stepReps: 2, seed: 7 };

beforeAll(async () => {
  await useWasmBackend();
});

describe('seededImages', () => {
  it('gives the same values in [0, 1) for a seed, other values for another seed', async () => {
    const a = seededImages([2, 3], 1);
    const b = seededImages([2, 3], 1);
    const c = seededImages([2, 3], 2);
    const [va, vb, vc] = await Promise.all([a.data(), b.data(), c.data()]);
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(va)).toEqual(Array.from(vb));
    expect(Array.from(va)).not.toEqual(Array.from(vc));
    expect(Array.from(va).every((x) => x >= 0 && x < 1)).toBe(true);
    tf.dispose([a, b, c]);
  });
});

describe('timeModel', () => {
  it('times warm-up + reps forward passes and steps, medians of the timed ones, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const r = await timeModel(REQ, true);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.forwardSamplesMs).toHaveLength(REQ.forwardReps);
    expect(r.stepSamplesMs).toHaveLength(REQ.stepReps);
    expect(r.forwardSamplesMs.every((ms) => ms > 0)).toBe(true);
    expect(r.stepSamplesMs.every((ms) => ms > 0)).toBe(true);
    expect(r.embedForwardMs).toBe(median(r.forwardSamplesMs));
    expect(r.trainStepMs).toBe(median(r.stepSamplesMs));
    expect(r.warmup).toBe(REQ.warmup);
    const net = buildSiamese(SMALL);
    expect(r.params).toBe(net.model.countParams());
    disposeNetwork(net);
  });

  it('times no step when asked for forward only', async () => {
    const before = tf.memory().numTensors;
    const r = await timeModel({ ...REQ, forwardReps: 2 }, false);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.forwardSamplesMs).toHaveLength(2);
    expect(r.stepSamplesMs).toEqual([]);
    expect(r.trainStepMs).toBeNull();
  });
});

describe('timeForward and timeTrainSteps', () => {
  it('leave out the warm-up runs; the steps train the network (its weights change)', async () => {
    const net = buildSiamese(SMALL);
    try {
      expect(await timeForward(net, { warmup: 2, forwardReps: 1, seed: 1 })).toHaveLength(1);
      const kernel = () => net.model.getWeights()[0]!.dataSync().slice();
      const w0 = kernel();
      const before = tf.memory().numTensors;
      expect(await timeTrainSteps(net, { warmup: 2, stepReps: 3, batchSize: 4, seed: 1 })).toHaveLength(3);
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(kernel())).not.toEqual(Array.from(w0));
    } finally {
      disposeNetwork(net);
    }
  });

  it('names the step in the note', () => {
    expect(stepNote(16)).toBe("train step: the app's train(), batch 16, Adam");
  });
});

describe('timeRuns', () => {
  it('calls warm-up + reps times and returns the timed reps only', async () => {
    let calls = 0;
    const samples = await timeRuns(2, 3, async () => void calls++);
    expect(calls).toBe(5);
    expect(samples).toHaveLength(3);
    expect(samples.every((ms) => ms >= 0)).toBe(true);
  });
});

describe('timeFaceRec', () => {
  it('seeds chips and descriptors repeatably, in the backbone’s ranges', () => {
    const [a] = seededChips(1, 3);
    expect([a!.width, a!.height, a!.data.length]).toEqual([CHIP_SIZE, CHIP_SIZE, CHIP_SIZE * CHIP_SIZE * 3]);
    expect(Array.from(seededChips(1, 3)[0]!.data)).toEqual(Array.from(a!.data));
    expect(Math.min(...a!.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a!.data)).toBeLessThanOrEqual(255);
    const d = seededDescriptors(2, 3);
    expect(d.map((x) => x.length)).toEqual([DESCRIPTOR_SIZE, DESCRIPTOR_SIZE]);
    expect(Array.from(d[0]!)).not.toEqual(Array.from(d[1]!));
    expect(d.flatMap((x) => Array.from(x)).every((v) => v >= -0.25 && v < 0.25)).toBe(true);
  });

  it('times the backbone at batch 1 and batch n and the head against each n, medians of the timed runs, without leaking tensors', async () => {
    const backbone = buildBackbone();
    const head = buildHead();
    const before = tf.memory().numTensors;
    const r = await timeFaceRec(backbone, head, { warmup: 1, forwardReps: 3, batchSize: 2, headNs: [4, 1], seed: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.forwardSamplesMs).toHaveLength(3);
    expect(r.forwardMs).toBe(median(r.forwardSamplesMs));
    expect(r.batchForwardMs).toBe(median(r.batchSamplesMs));
    expect(r.batchPerChipMs).toBe(r.batchForwardMs / 2);
    expect(r.head.map((h) => h.n)).toEqual([4, 1]);
    for (const h of r.head) expect(h.ms).toBe(median(h.samplesMs));
    expect(r.backboneParams).toBe(backbone.countParams());
    expect(r.headParams).toBe(129);
    backbone.dispose();
    disposeHead(head);
  });
});
