import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSiamese, disposeNetwork, type SiameseNetwork } from '../model';
import { useCpuBackend } from '../../tools/common/node-backend';
import type { KochConfig } from '../config';
import { imageInput } from './cropped';
import { VerificationEngine, type EngineDeps } from './engine';
import { identify } from './identify';

const CONFIG = { inputSize: 64, filters: [4, 8, 8, 8] as [number, number, number, number], embeddingSize: 16 };
const thresholds = { detectionThreshold: 0.5, verificationThreshold: 0.5 };

let netA: SiameseNetwork;
let netB: SiameseNetwork;
beforeAll(async () => {
  await useCpuBackend();
  netA = buildSiamese(CONFIG);
  netB = buildSiamese(CONFIG);
});
afterAll(() => {
  disposeNetwork(netA);
  disposeNetwork(netB);
});

/** Deps over an in-memory id list; counts loads and network uses. */
function fakeDeps(ids: string[], owners: Record<string, string> = {}) {
  const state = { ids, owners, loads: 0, inUse: 0 };
  const deps: EngineDeps = {
    listIds: async () => state.ids.map((id) => ({ id, person: state.owners[id] ?? 'me' })),
    loadImages: async (list, config, onProgress) => {
      state.loads++;
      onProgress(list.length);
      const size = (config as KochConfig).inputSize;
      return tf.randomUniform([list.length, size, size, 3], 0, 1, 'float32', list.length) as tf.Tensor4D;
    },
    frameInput: async (config) => imageInput((config as KochConfig).inputSize),
    use: () => {
      state.inUse++;
      let done = false;
      return () => {
        if (!done) state.inUse--;
        done = true;
      };
    },
  };
  return { deps, state };
}

describe('VerificationEngine', () => {
  it('embeds once per model and set of verification images, not per samples version', async () => {
    const { deps, state } = fakeDeps(['v1', 'v2', 'v3']);
    const engine = new VerificationEngine(deps);
    const start = tf.memory().numTensors;
    const v1 = await engine.ensure(netA, 1);
    expect(v1?.count).toBe(3);
    expect(engine.getSnapshot()).toEqual({ status: 'ready', count: 3, done: 3, error: null });
    // Another capture (e.g. an anchor) bumps the version but not the verification ids: no re-embedding.
    expect(await engine.ensure(netA, 2)).toBe(v1);
    expect(state.loads).toBe(1);
    // A new verification image: re-embedded.
    state.ids.push('v4');
    const v2 = await engine.ensure(netA, 3);
    expect(v2?.count).toBe(4);
    expect(state.loads).toBe(2);
    // A new model: re-embedded, the old model released.
    const v3 = await engine.ensure(netB, 3);
    expect(v3).not.toBe(v2);
    expect(state.loads).toBe(3);
    expect(state.inUse).toBe(1);
    engine.dispose();
    await engine.exclusive(async () => undefined);
    expect(state.inUse).toBe(0);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('is idle without a model or without verification images', async () => {
    const { deps } = fakeDeps([]);
    const engine = new VerificationEngine(deps);
    expect(await engine.ensure(netA, 1)).toBeNull();
    expect(engine.getSnapshot().status).toBe('idle');
    expect(await engine.ensure(null, 1)).toBeNull();
    expect(engine.getSnapshot().status).toBe('idle');
  });

  it('verifies frames one at a time with the current verifier and leaks nothing per frame', async () => {
    const { deps } = fakeDeps(['a', 'b']);
    const engine = new VerificationEngine(deps);
    await engine.ensure(netA, 1);
    const frame = tf.randomUniform([64, 64, 3], 0, 1, 'float32', 3) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    let running = 0;
    let maxRunning = 0;
    const tracked = () =>
      engine.exclusive(async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      });
    const results = await Promise.all([
      engine.verify(netA, frame, thresholds),
      tracked(),
      engine.verify(netA, frame, thresholds),
      tracked(),
    ]);
    expect(maxRunning).toBe(1);
    expect(results[0]?.n).toBe(2);
    expect(results[0]?.scores).toEqual(results[2]?.scores);
    expect(tf.memory().numTensors).toBe(before);
    // Another model's frame gets no verdict from this verifier.
    expect(await engine.verify(netB, frame, thresholds)).toBeNull();
    frame.dispose();
    engine.dispose();
  });

  it('applies only the newest request when builds overlap, and reports load errors', async () => {
    const { deps, state } = fakeDeps(['a']);
    const engine = new VerificationEngine(deps);
    const start = tf.memory().numTensors;
    const first = engine.ensure(netA, 1);
    const second = engine.ensure(netB, 2);
    expect(await first).toBeNull();
    expect((await second)?.count).toBe(1);
    expect(state.inUse).toBe(1);

    const failing = new VerificationEngine({ ...deps, loadImages: async () => Promise.reject(new Error('decode failed: v9.jpg')) });
    expect(await failing.ensure(netA, 1)).toBeNull();
    expect(failing.getSnapshot()).toMatchObject({ status: 'error', error: 'decode failed: v9.jpg' });
    engine.dispose();
    failing.dispose();
    await engine.exclusive(async () => undefined);
    expect(state.inUse).toBe(0);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('knows whose each image is, rebuilds when images change owner, and identifies several people per frame without leaking', async () => {
    const { deps, state } = fakeDeps(['a1', 'a2', 'b1', 'b2', 'b3'], { a1: 'ann', a2: 'ann', b1: 'bob', b2: 'bob', b3: 'bob' });
    const engine = new VerificationEngine(deps);
    const start = tf.memory().numTensors;
    expect(engine.owners(netA)).toBeNull();
    const v = await engine.ensure(netA, 1);
    expect(engine.owners(netA)).toEqual(['ann', 'ann', 'bob', 'bob', 'bob']);
    expect(engine.owners(netB)).toBeNull();
    // The same ids and owners: no rebuild. An image given to someone else: rebuilt.
    expect(await engine.ensure(netA, 2)).toBe(v);
    state.owners = { ...state.owners, b3: 'ann' };
    expect(await engine.ensure(netA, 3)).not.toBe(v);
    expect(engine.owners(netA)).toEqual(['ann', 'ann', 'bob', 'bob', 'ann']);
    expect(state.loads).toBe(2);

    const people = [{ id: 'ann' }, { id: 'bob' }];
    const frame = tf.randomUniform([64, 64, 3], 0, 1, 'float32', 5) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const d = (await engine.verify(netA, frame, thresholds))!;
      const id = identify(d.scores, engine.owners(netA)!, people, thresholds, 0.25);
      expect(id.people.map((p) => [p.person, p.n])).toEqual([
        ['ann', 3],
        ['bob', 2],
      ]);
    }
    expect(tf.memory().numTensors).toBe(before);
    frame.dispose();
    engine.dispose();
    await engine.exclusive(async () => undefined);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('gives no verifier when an image was deleted while loading (the owners would not line up)', async () => {
    const { deps } = fakeDeps(['a', 'b', 'c']);
    const engine = new VerificationEngine({
      ...deps,
      loadImages: async (list, config) => {
        const size = (config as KochConfig).inputSize;
        return tf.zeros([list.length - 1, size, size, 3]); // one deleted meanwhile
      },
    });
    const start = tf.memory().numTensors;
    expect(await engine.ensure(netA, 1)).toBeNull();
    expect(engine.owners(netA)).toBeNull();
    engine.dispose();
    await engine.exclusive(async () => undefined);
    expect(tf.memory().numTensors).toBe(start);
  });
});
