import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_CONFIG } from '../../src/config';
import { FULL, QUICK } from './options';
import {
  FACEREC_BATCH,
  faceRecSpeedRequest,
  NODE_NO_DETECTION,
  nodeSpeedRequests,
  pageSpeedRequests,
  speedFaceRecNode,
  speedNode,
} from './speed';

describe('speed plans', () => {
  it('run the reference model at the app batch size with the run’s repetitions, in Node wasm with steps and cpu forward only', () => {
    for (const reps of [QUICK, FULL]) {
      const node = nodeSpeedRequests({ ...reps, seed: 5 });
      expect(node.map((r) => [r.backend, r.step])).toEqual([
        ['wasm', true],
        ['cpu', false],
      ]);
      for (const r of node) {
        expect(r.model).toEqual({});
        expect(r.batchSize).toBe(DEFAULT_TRAINING_CONFIG.batchSize);
        expect(r.seed).toBe(5);
        expect(r.stepReps).toBe(reps.stepReps);
      }
      expect(node[0]).toMatchObject({ warmup: reps.warmup, forwardReps: reps.forwardReps });
      expect(node[1]).toMatchObject({ warmup: 1, forwardReps: Math.min(reps.forwardReps, 3) });
    }
  });

  it('time the face-recognition tower with the run’s repetitions, batch 8, the head against the verify part’s n', () => {
    for (const reps of [QUICK, FULL]) {
      expect(faceRecSpeedRequest({ ...reps, seed: 5, verifyNs: [1, 10, 50, 200] })).toEqual({
        warmup: reps.warmup,
        forwardReps: reps.forwardReps,
        batchSize: FACEREC_BATCH,
        headNs: [1, 10, 50, 200],
        seed: 5,
      });
    }
    expect(FACEREC_BATCH).toBe(8);
  });

  it('give the Chromium pages the same model runs, one page per backend', () => {
    const o = { ...QUICK, seed: 5 };
    const pages = pageSpeedRequests(o, '/photo.jpg');
    expect(pages.map((r) => [r.backend, r.threads, r.step])).toEqual([
      ['wasm', 1, true],
      ['wasm', 2, true],
      ['cpu', 1, false],
      ['webgl', 1, true],
    ]);
    expect(pages.every((r) => r.framePhoto === '/photo.jpg')).toBe(true);
    const [wasm, cpu] = nodeSpeedRequests(o);
    const { backend: _b, threads: _t, framePhoto: _f, ...pageModel } = pages[0]!;
    const { backend: _n, ...nodeModel } = wasm!;
    expect(pageModel).toEqual(nodeModel);
    expect(pages[2]).toMatchObject({ warmup: cpu!.warmup, forwardReps: cpu!.forwardReps, step: false });
  });
});

describe('speedNode', () => {
  const small = { inputSize: 64, filters: [4, 8, 8, 8] as [number, number, number, number], embeddingSize: 16 };

  it('selects each backend in this process and times the model on it, leaving no tensors', async () => {
    const wasm = await speedNode({
      backend: 'wasm',
      model: small,
      step: true,
      batchSize: 4,
      warmup: 1,
      forwardReps: 2,
      stepReps: 1,
      seed: 3,
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(wasm).toMatchObject({ backend: 'wasm', threads: 1, tfjs: tf.version.tfjs, leakedTensors: 0 });
    expect(wasm.forwardSamplesMs).toHaveLength(2);
    expect(wasm.stepSamplesMs).toHaveLength(1);
    expect(wasm.trainStepMs).not.toBeNull();
    expect(wasm.note).toMatch(/^train step: the app's train\(\), batch 4, Adam; tf\.js wasm under Node: 1 thread/);
    expect(wasm.note).toContain(NODE_NO_DETECTION);

    // cpu forward only, as the bench runs it (a cpu step is slow even for a small model).
    const cpu = await speedNode({
      backend: 'cpu',
      model: small,
      step: false,
      batchSize: 4,
      warmup: 1,
      forwardReps: 1,
      stepReps: 5,
      seed: 3,
    });
    expect(tf.getBackend()).toBe('cpu');
    expect(cpu).toMatchObject({ backend: 'cpu', threads: 1, simd: false, trainStepMs: null, leakedTensors: 0 });
    expect(cpu.stepSamplesMs).toEqual([]);
    expect(cpu.note).toBe(`forward only; tf.js cpu (plain JavaScript); ${NODE_NO_DETECTION}`);
  });
});

describe('speedFaceRecNode', () => {
  it('times the shipped backbone and head on wasm, leaving no tensors', async () => {
    const r = await speedFaceRecNode({ warmup: 1, forwardReps: 2, batchSize: 3, headNs: [1, 20], seed: 4 });
    expect(tf.getBackend()).toBe('wasm');
    expect(r).toMatchObject({ backend: 'wasm', threads: 1, tfjs: tf.version.tfjs, leakedTensors: 0, batchSize: 3, warmup: 1 });
    expect(r.forwardSamplesMs).toHaveLength(2);
    expect(r.batchSamplesMs).toHaveLength(2);
    expect(r.batchPerChipMs).toBeCloseTo(r.batchForwardMs / 3, 9);
    expect(r.head.map((h) => [h.n, h.samplesMs.length])).toEqual([
      [1, 2],
      [20, 2],
    ]);
    // dlib's ResNet (about 5.6 M weights) and the shipped head (128 + 1).
    expect(r.backboneParams).toBeGreaterThan(5_000_000);
    expect(r.headParams).toBe(129);
    expect(r.note).toMatch(/tf\.js wasm under Node: 1 thread/);
  });
});
