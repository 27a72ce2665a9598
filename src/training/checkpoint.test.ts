import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { createStore, keys, set } from 'idb-keyval';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_CONFIG } from '../config';
import { buildSiamese, disposeNetwork } from '../model';
import { useWasmBackend } from '../../tools/common/node-backend';
import { captureState, createIdbCheckpointStore, restoreState, summaryOf, CHECKPOINT_VERSION, type Checkpoint } from './checkpoint';

const MODEL = { inputSize: 58, filters: [2, 4, 4, 4] as [number, number, number, number], embeddingSize: 8 };

beforeAll(async () => {
  await useWasmBackend();
});

async function checkpointOf(epochsDone: number): Promise<Checkpoint> {
  const net = buildSiamese(MODEL);
  const opt = tf.train.adam(1e-3);
  const state = await captureState(net, opt);
  opt.dispose();
  disposeNetwork(net);
  return {
    version: CHECKPOINT_VERSION,
    model: net.config,
    training: DEFAULT_TRAINING_CONFIG,
    epochsDone,
    batchesDone: 0,
    partialLoss: { sum: 0, pairs: 0 },
    history: [],
    pairs: 'x',
    reason: 'interval',
    createdAt: new Date(0).toISOString(),
    ...state,
  };
}

describe('checkpoint store (IndexedDB)', () => {
  it('round-trips, replaces the previous checkpoint without leaving its chunks, and clears', async () => {
    const db = createStore('test-ckpt-store', 'checkpoints');
    const store = createIdbCheckpointStore({ store: db, chunkBytes: 512 });
    expect(await store.load()).toBeUndefined();
    const c1 = await checkpointOf(1);
    await store.save(c1);
    const back = (await store.load())!;
    expect(new Uint8Array(back.weights.data)).toEqual(new Uint8Array(c1.weights.data));
    expect(back.optimizer.specs).toEqual(c1.optimizer.specs);
    expect(await store.summary()).toMatchObject({ epochsDone: 1, model: c1.model });
    const keysAfterOne = (await keys(db)).length;
    await store.save(await checkpointOf(2));
    expect((await store.summary())!.epochsDone).toBe(2);
    expect((await keys(db)).length).toBe(keysAfterOne); // the old chunks are gone
    await store.clear();
    expect(await keys(db)).toEqual([]);
  });

  it('reads a checkpoint written before start/freeze/augment existed as unfrozen, unaugmented fine-tuning', async () => {
    const db = createStore('test-ckpt-legacy', 'checkpoints');
    const store = createIdbCheckpointStore({ store: db });
    const c = await checkpointOf(1);
    const { start: _s, freeze: _f, augment: _a, ...legacy } = c.training;
    await store.save({ ...c, training: legacy as Checkpoint['training'] });
    expect((await store.summary())!.training).toEqual({ ...c.training, start: 'pretrained', freeze: 'none', augment: false });
    expect((await store.load())!.training.augment).toBe(false);
    // A current checkpoint keeps its own values.
    expect(summaryOf({ ...c, training: { ...c.training, augment: true, freeze: 'embedding' } }).training).toMatchObject({
      augment: true,
      freeze: 'embedding',
    });
    // One written while the setting was the boolean freezeConvs reads as the same mode, without the old key.
    for (const [freezeConvs, freeze] of [
      [true, 'convs'],
      [false, 'none'],
    ] as const) {
      const read = summaryOf({ ...c, training: { ...legacy, freezeConvs } as unknown as Checkpoint['training'] }).training;
      expect(read.freeze).toBe(freeze);
      expect(read).not.toHaveProperty('freezeConvs');
    }
  });

  it('reports a damaged record or missing chunks as checkpoint-corrupt', async () => {
    const db = createStore('test-ckpt-corrupt', 'checkpoints');
    const store = createIdbCheckpointStore({ store: db });
    await set('latest', { kind: 'something-else' }, db);
    await expect(store.load()).rejects.toMatchObject({ code: 'checkpoint-corrupt' });
    await store.save(await checkpointOf(1));
    const weightKey = (await keys(db)).find((k) => String(k).startsWith('latest/weights/') && !String(k).includes('#'))!;
    await set(weightKey, 'gone', db);
    await expect(store.load()).rejects.toMatchObject({ code: 'checkpoint-corrupt', message: expect.stringMatching(/incomplete/) });
  });
});

describe('captureState / restoreState', () => {
  it('refuses weights of another architecture, naming the weight, and leaks nothing', async () => {
    const c = await checkpointOf(1);
    const other = buildSiamese({ ...MODEL, embeddingSize: 9 });
    const opt = tf.train.adam(1e-3);
    const before = tf.memory().numTensors;
    await expect(restoreState(other, opt, c)).rejects.toMatchObject({
      code: 'checkpoint-mismatch',
      message: expect.stringMatching(/dense_embedding\/kernel \[4, 8\] where the model has dense_embedding\/kernel \[4, 9\]/),
    });
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    disposeNetwork(other);
  });

  it('restores weights and Adam state into a fresh network and optimizer', async () => {
    const net = buildSiamese(MODEL);
    const opt = tf.train.adam(1e-2);
    const vars = net.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const x = tf.randomUniform([2, 58, 58, 3], 0, 1, 'float32', 5);
    const lossOf = (n: typeof net) => () => tf.mean(n.model.apply([x, x]) as tf.Tensor) as tf.Scalar;
    for (let i = 0; i < 3; i++) opt.minimize(lossOf(net), false, vars);
    const saved = await captureState(net, opt);
    const copy = buildSiamese(MODEL);
    const opt2 = tf.train.adam(1e-2);
    await restoreState(copy, opt2, saved);
    // One more identical step on each: identical weights.
    opt.minimize(lossOf(net), false, vars);
    opt2.minimize(
      lossOf(copy),
      false,
      copy.model.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    const a = net.model.getWeights().map((w) => Array.from(w.dataSync()));
    const b = copy.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(b).toEqual(a);
    expect(opt2.iterations).toBe(4);
    tf.dispose(x);
    opt.dispose();
    opt2.dispose();
    disposeNetwork(net);
    disposeNetwork(copy);
  });
});
