import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { createStore } from 'idb-keyval';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentBatch } from '../augment';
import { buildSiamese, disposeNetwork, type SiameseNetwork } from '../model';
import { useWasmBackend } from '../../tools/common/node-backend';
import { seedWeights } from '../../tools/common';
import { classIds, syntheticData } from '../../test/synthetic';
import { createIdbCheckpointStore, createMemoryCheckpointStore, type EpochMetrics } from './checkpoint';
import { CONV_LAYERS, train, trainedWeights, type TrainingData } from './train';
import { TrainingError } from './errors';

// Tiny network (58 px: the smallest input the reference kernels allow) on the wasm backend (cpu's Conv2DBackpropFilter takes seconds per step).
const MODEL = { inputSize: 58, filters: [2, 4, 4, 4] as [number, number, number, number], embeddingSize: 8 };
const CONFIG = { epochs: 3, batchSize: 4, learningRate: 1e-3, samplesPerClass: 8, trainFraction: 0.7, checkpointEvery: 2, seed: 7 };

let data: TrainingData;

beforeAll(async () => {
  await useWasmBackend();
  data = syntheticData(classIds(8), MODEL.inputSize, CONFIG); // 16 pairs: 11 train (3 batches), 5 test
});

const weightsOf = (net: SiameseNetwork) => net.model.getWeights().map((w) => w.dataSync().slice());
const withoutTime = (h: readonly EpochMetrics[]) => h.map(({ epochMs: _, ...rest }) => rest);

describe('train', () => {
  it('stops mid-epoch and at an epoch boundary, resumes from IndexedDB, and ends with exactly the weights of an uninterrupted run', async () => {
    const a = buildSiamese(MODEL);
    const initial = a.model.getWeights().map((w) => w.clone());

    // A: uninterrupted; no tensor left behind, none gained between epochs.
    const before = tf.memory().numTensors;
    const perEpoch: number[] = [];
    const full = await train(a, data, CONFIG, { onEpoch: () => perEpoch.push(tf.memory().numTensors) });
    expect(tf.memory().numTensors).toBe(before);
    expect(new Set(perEpoch).size).toBe(1);
    expect(full).toMatchObject({ epochsCompleted: 3, stopped: false });
    expect(full.history).toHaveLength(3);
    const target = weightsOf(a);
    const start = initial.map((w) => w.dataSync());
    expect(target.some((w, i) => w.some((v, j) => v !== start[i]![j]))).toBe(true);

    // B: same start, stopped after batch 2 of epoch 2 (mid-epoch). Checkpoints go to IndexedDB in 1 KiB chunks.
    const store = createIdbCheckpointStore({ store: createStore('test-train-ckpt', 'checkpoints'), chunkBytes: 1024 });
    const b = buildSiamese(MODEL);
    b.model.setWeights(initial);
    const stopB = new AbortController();
    const events: string[] = [];
    const rb = await train(b, data, CONFIG, {
      checkpoints: store,
      signal: stopB.signal,
      onBatch: (p) => p.epoch === 2 && p.batch === 2 && stopB.abort(),
      onCheckpoint: (e) => events.push(`${e.reason}@${e.epochsDone}.${e.batchesDone}`),
    });
    expect(rb).toMatchObject({ stopped: true, epochsCompleted: 1 });
    expect(events).toEqual(['stop@1.2']);
    expect(await store.summary()).toMatchObject({ epochsDone: 1, batchesDone: 2, reason: 'stop', model: b.config });

    // C: a fresh network (other random weights) resumes; stopped at the end of epoch 2.
    const c = buildSiamese(MODEL);
    const stopC = new AbortController();
    const rc = await train(c, data, CONFIG, {
      checkpoints: store,
      resumeFrom: await store.load(),
      signal: stopC.signal,
      onEpoch: (m) => m.epoch === 2 && stopC.abort(),
      onCheckpoint: (e) => events.push(`${e.reason}@${e.epochsDone}.${e.batchesDone}`),
    });
    expect(rc).toMatchObject({ stopped: true, epochsCompleted: 2 });
    expect(events).toEqual(['stop@1.2', 'interval@2.0', 'stop@2.0']);

    // D: resumes at the epoch boundary and finishes.
    const d = buildSiamese(MODEL);
    const rd = await train(d, data, CONFIG, { checkpoints: store, resumeFrom: await store.load() });
    expect(rd).toMatchObject({ stopped: false, epochsCompleted: 3 });
    const got = weightsOf(d);
    const maxDiff = Math.max(...got.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - target[i]![j]!)))));
    expect(maxDiff, `max |w_resumed − w_uninterrupted| = ${maxDiff} (tolerance 0: exact on wasm)`).toBe(0);
    expect(withoutTime(rd.history)).toEqual(withoutTime(full.history));

    tf.dispose(initial);
    for (const n of [a, b, c, d]) disposeNetwork(n);
    await store.clear();
    expect(await store.load()).toBeUndefined();
  });

  it('augments training batches with per-batch seeds, so a resumed augmented run is exact too', async () => {
    const config = { ...CONFIG, epochs: 2 };
    const seeds: number[] = [];
    const augment = (x: tf.Tensor4D, seed: number) => {
      seeds.push(seed);
      return augmentBatch(x, seed);
    };
    const a = buildSiamese(MODEL);
    const initial = a.model.getWeights().map((w) => w.clone());
    await train(a, data, config, { augment });
    expect(seeds).toHaveLength(2 * 3 * 2); // 2 epochs × 3 batches × 2 sides
    expect(new Set(seeds).size).toBe(seeds.length);
    const plain = buildSiamese(MODEL);
    plain.model.setWeights(initial);
    await train(plain, data, config);
    expect(weightsOf(plain)).not.toEqual(weightsOf(a)); // augmentation changed training

    const store = createMemoryCheckpointStore();
    const b = buildSiamese(MODEL);
    b.model.setWeights(initial);
    const stop = new AbortController();
    await train(b, data, config, {
      augment,
      checkpoints: store,
      signal: stop.signal,
      onBatch: (p) => p.epoch === 1 && p.batch === 2 && stop.abort(),
    });
    const c = buildSiamese(MODEL);
    await train(c, data, config, { augment, resumeFrom: await store.load() });
    expect(weightsOf(c)).toEqual(weightsOf(a));
    tf.dispose(initial);
    for (const n of [a, plain, b, c]) disposeNetwork(n);
  });

  it("freeze 'convs': the four convolutions stay exactly fixed, the embedding Dense and the head learn; stop + resume is exact", async () => {
    const config = { ...CONFIG, epochs: 2, freeze: 'convs' } as const;
    const a = buildSiamese(MODEL);
    // Seeded: some random initialisations of this small network leave every ReLU dead, so no gradient reaches the Dense kernel.
    seedWeights(a, 11);
    const initial = a.model.getWeights().map((w) => w.clone());
    const byName = (net: SiameseNetwork) => new Map(net.model.weights.map((w) => [w.originalName, w.read().dataSync().slice()]));
    const start = byName(a);
    expect(trainedWeights(a, 'convs').map((w) => w.originalName)).toEqual([
      'dense_embedding/kernel',
      'dense_embedding/bias',
      'classifier/kernel',
      'classifier/bias',
    ]);
    expect(trainedWeights(a, 'embedding').map((w) => w.originalName)).toEqual(['classifier/kernel', 'classifier/bias']);
    expect(trainedWeights(a, 'none')).toHaveLength(12);

    // One step: conv weights bit-identical, Dense weights moved.
    const stopAfterOne = new AbortController();
    const before = tf.memory().numTensors;
    await train(a, data, config, { signal: stopAfterOne.signal, onBatch: () => stopAfterOne.abort() });
    expect(tf.memory().numTensors).toBe(before);
    const afterStep = byName(a);
    for (const layer of CONV_LAYERS) {
      for (const part of ['kernel', 'bias'])
        expect(afterStep.get(`${layer}/${part}`), `${layer}/${part}`).toEqual(start.get(`${layer}/${part}`));
    }
    for (const name of ['dense_embedding/kernel', 'classifier/kernel', 'classifier/bias'])
      expect(afterStep.get(name), name).not.toEqual(start.get(name));

    // Uninterrupted frozen run vs the same run stopped mid-epoch and resumed (optimizer state for 4 variables).
    const full = buildSiamese(MODEL);
    full.model.setWeights(initial);
    await train(full, data, config);
    const store = createMemoryCheckpointStore();
    const b = buildSiamese(MODEL);
    b.model.setWeights(initial);
    const stop = new AbortController();
    await train(b, data, config, {
      checkpoints: store,
      signal: stop.signal,
      onBatch: (p) => p.epoch === 1 && p.batch === 2 && stop.abort(),
    });
    const cp = await store.load();
    expect(cp?.training.freeze).toBe('convs');
    const c = buildSiamese(MODEL);
    await train(c, data, config, { resumeFrom: cp });
    expect(weightsOf(c)).toEqual(weightsOf(full));
    const end = byName(full);
    for (const layer of CONV_LAYERS) expect(end.get(`${layer}/kernel`)).toEqual(start.get(`${layer}/kernel`));
    // A frozen run's checkpoint does not resume unfrozen (its optimizer state covers 4 variables).
    await expect(train(buildSiamese(MODEL), data, { ...config, freeze: 'none' }, { resumeFrom: cp })).rejects.toMatchObject({
      code: 'checkpoint-mismatch',
      message: expect.stringMatching(/freeze convs \(now none\)/),
    });
    tf.dispose(initial);
    for (const n of [a, full, b, c]) disposeNetwork(n);
  });

  it("freeze 'embedding': every embedding weight stays exactly fixed, only the head learns, and the test loss still moves", async () => {
    const config = { ...CONFIG, epochs: 2, freeze: 'embedding' } as const;
    const net = buildSiamese(MODEL);
    seedWeights(net, 11);
    const byName = () => new Map(net.model.weights.map((w) => [w.originalName, w.read().dataSync().slice()]));
    const start = byName();
    const before = tf.memory().numTensors;
    const r = await train(net, data, config);
    expect(tf.memory().numTensors).toBe(before);
    const end = byName();
    const embeddingNames = net.embedding.weights.map((w) => w.originalName);
    expect(embeddingNames).toHaveLength(10);
    for (const name of embeddingNames) expect(end.get(name), name).toEqual(start.get(name));
    for (const name of ['classifier/kernel', 'classifier/bias']) expect(end.get(name), name).not.toEqual(start.get(name));
    expect(r.history).toHaveLength(2);
    expect(r.history[1]!.testLoss).not.toBe(r.history[0]!.testLoss);
    disposeNetwork(net);
  });

  it('reports per-batch progress and per-epoch metrics with finite losses', async () => {
    const net = buildSiamese(MODEL);
    const batches: string[] = [];
    const r = await train(net, data, { ...CONFIG, epochs: 2 }, { onBatch: (p) => batches.push(`${p.epoch}.${p.batch}/${p.batches}`) });
    expect(batches).toEqual(['1.1/3', '1.2/3', '1.3/3', '2.1/3', '2.2/3', '2.3/3']);
    for (const m of r.history) {
      expect(Number.isFinite(m.trainLoss) && m.trainLoss > 0).toBe(true);
      expect(Number.isFinite(m.testLoss) && m.testLoss > 0).toBe(true);
      for (const v of [m.precision, m.recall, m.accuracy]) expect(v >= 0 && v <= 1).toBe(true);
    }
    expect(r.final).toEqual(r.history[1]);
    disposeNetwork(net);
  });

  it('refuses a checkpoint written with other settings or other samples, and bad data', async () => {
    const store = createMemoryCheckpointStore();
    const net = buildSiamese(MODEL);
    const stop = new AbortController();
    stop.abort();
    await train(net, data, CONFIG, { checkpoints: store, signal: stop.signal });
    expect(await store.load()).toBeUndefined(); // stopped before a batch: nothing to save
    const stop1 = new AbortController();
    await train(net, data, CONFIG, { checkpoints: store, signal: stop1.signal, onBatch: () => stop1.abort() });
    const cp = await store.load();
    expect(cp).toMatchObject({ epochsDone: 0, batchesDone: 1 });
    await expect(train(net, data, { ...CONFIG, seed: 8 }, { resumeFrom: cp })).rejects.toMatchObject({
      code: 'checkpoint-mismatch',
      message: expect.stringMatching(/seed 7 \(now 8\)/),
    });
    const other = { ...data, test: data.test.slice(1) };
    await expect(train(net, other, CONFIG, { resumeFrom: cp })).rejects.toMatchObject({
      code: 'checkpoint-mismatch',
      message: expect.stringMatching(/pairs differ/),
    });
    const bigger = buildSiamese({ ...MODEL, embeddingSize: 9 });
    await expect(train(bigger, data, CONFIG, { resumeFrom: cp })).rejects.toBeInstanceOf(TrainingError);
    const missing = { ...data, index: new Map([...data.index].filter(([id]) => id !== data.train[0]!.a)) };
    await expect(train(net, missing, CONFIG)).rejects.toMatchObject({ code: 'invalid-data' });
    const wrongSize = buildSiamese({ ...MODEL, inputSize: 64 });
    await expect(train(wrongSize, data, CONFIG)).rejects.toMatchObject({
      code: 'invalid-data',
      message: expect.stringMatching(/\[N, 64, 64, 3\]/),
    });
    for (const n of [net, bigger, wrongSize]) disposeNetwork(n);
  });
});
