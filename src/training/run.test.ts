import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, DEFAULT_VERIFY_CONFIG } from '../config';
import { createSampleStore, DEFAULT_PERSON_ID } from '../data';
import { type NetworkMeta } from '../model';
import { useWasmBackend } from '../../tools/common/node-backend';
import {
  createMemoryCheckpointStore,
  startTraining,
  TrainingError,
  type EpochMetrics,
  type RunCallbacks,
  type RunHandle,
  type RunPlace,
  type SampleBlob,
  type StartRequest,
  type TrainResult,
  type WorkerLike,
} from './index';
import { createInPageWorker, createStartRun, loadTrainingSamples, startNote, workerBackendShortfall } from './run';

const RESULT: TrainResult = { history: [], epochsCompleted: 2, stopped: false, final: null };
const REQUEST = {
  trainingConfig: DEFAULT_TRAINING_CONFIG,
  modelConfig: DEFAULT_MODEL_CONFIG,
  resume: false,
  thresholds: DEFAULT_VERIFY_CONFIG,
};
const READY = {
  backend: { backend: 'wasm', threads: 2, simd: true, renderer: null, reason: 'WebAssembly, 2 threads, SIMD: WebGL is not available here' },
  modelConfig: DEFAULT_MODEL_CONFIG,
  trainingConfig: DEFAULT_TRAINING_CONFIG,
  trainPairs: 11,
  testPairs: 5,
  startedFrom: 'pretrained',
  resumedFrom: null,
} as const;

/** A fake client: each start is scripted by `outcomes` (in order). */
function fakeClient(outcomes: Array<(cb: RunCallbacks) => Promise<TrainResult>>) {
  const calls: { request: StartRequest; page: boolean; stopped: boolean; cancelled: boolean }[] = [];
  /** Identifies the page fallback (never called by the fake start). */
  const pageWorker = (): WorkerLike => {
    throw new Error('not used by the fake client');
  };
  const start = (request: StartRequest, cb: RunCallbacks, createWorker?: () => WorkerLike): RunHandle => {
    const call = { request, page: createWorker === pageWorker, stopped: false, cancelled: false };
    calls.push(call);
    const outcome = outcomes[calls.length - 1]!;
    let cancel!: () => void;
    // Like the real client: cancel() rejects `done` at once.
    const cancelled = new Promise<never>((_, reject) => (cancel = () => reject(new TrainingError('worker-failed', 'cancelled'))));
    return {
      stop: async () => {
        call.stopped = true;
      },
      cancel: () => {
        call.cancelled = true;
        cancel();
      },
      done: Promise.race([outcome(cb), cancelled]),
    };
  };
  return { start, calls, pageWorker, stops: () => calls.filter((c) => c.stopped).length };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
/** A worker that never finishes by itself (only cancel() ends it). */
const forever = () => new Promise<TrainResult>(() => undefined);

const GPU = {
  backend: 'webgl',
  threads: 1,
  simd: false,
  renderer: 'ANGLE (NVIDIA GeForce RTX 3060)',
  reason: 'WebGL on the GPU (ANGLE (NVIDIA GeForce RTX 3060))',
} as const;
const SWIFTSHADER = {
  ...GPU,
  renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device))',
  reason: 'WebGL on SwiftShader, not a GPU (slow): wasm failed',
} as const;
const CPU = {
  backend: 'cpu',
  threads: 1,
  simd: false,
  renderer: null,
  reason: 'Plain JavaScript (slow): wasm failed (no binary)',
} as const;
const WASM = READY.backend;

/** Records the notes, and where each run became ready (onPlace, then onReady with its pair counts). */
function recorder() {
  const notes: string[] = [];
  const ready: [RunPlace, string, { train: number; test: number }][] = [];
  let placed: [RunPlace, string] | null = null;
  const cb: RunCallbacks = {
    onNote: (n) => notes.push(n),
    onPlace: (w, n) => (placed = [w, n]),
    onReady: (info) => {
      if (placed) ready.push([...placed, { train: info.trainPairs, test: info.testPairs }]);
      placed = null;
    },
  };
  return { cb, notes, ready };
}

const noSamples = async () => ({ anchors: [], positives: [], negatives: [] });

describe('createStartRun', () => {
  it('trains in the worker and says so with its backend', async () => {
    const client = fakeClient([
      async (cb) => {
        cb.onPreparing?.(16, 24);
        cb.onReady?.(READY);
        return RESULT;
      },
    ]);
    const rec = recorder();
    const run = createStartRun({ loadSamples: noSamples, start: client.start, createPageWorker: client.pageWorker });
    const handle = run(REQUEST, rec.cb);
    expect(await handle.done).toBe(RESULT);
    expect(client.calls).toHaveLength(1);
    expect(client.calls[0]!.page).toBe(false);
    expect(client.calls[0]!.request).toMatchObject({
      resume: false,
      backend: 'auto',
      modelConfig: DEFAULT_MODEL_CONFIG,
      thresholds: DEFAULT_VERIFY_CONFIG,
    });
    expect(rec.notes).toContain('Decoding the sample images: 16 of 24…');
    expect(rec.ready).toEqual([
      [
        'worker',
        `Fine-tuning the pretrained face model on your captures. Training runs in a background worker, so the page stays responsive. ${READY.backend.reason}.`,
        { train: 11, test: 5 },
      ],
    ]);
    expect(startNote({ startedFrom: 'scratch', resumedFrom: null })).toBe('Training from random weights (from scratch). ');
    expect(startNote({ startedFrom: 'pretrained', resumedFrom: { epochsDone: 1, batchesDone: 0 } })).toBe('');
  });

  it('falls back to the page when the worker cannot run, and says why', async () => {
    const client = fakeClient([
      async () => Promise.reject(new TrainingError('backend-failed', 'No tf.js backend could start (webgl failed)')),
      async (cb) => {
        cb.onReady?.(READY);
        return RESULT;
      },
    ]);
    const rec = recorder();
    const handle = createStartRun({ loadSamples: noSamples, start: client.start, createPageWorker: client.pageWorker })(REQUEST, rec.cb);
    expect(await handle.done).toBe(RESULT);
    expect(client.calls.map((c) => c.page)).toEqual([false, true]);
    expect(client.calls[1]!.request).toBe(client.calls[0]!.request);
    expect(rec.ready[0]![0]).toBe('page');
    expect(rec.ready[0]![1]).toContain('could not run here (No tf.js backend could start (webgl failed))');
  });

  it('does not fall back for errors of the training itself, or after training started', async () => {
    const notEnough = new TrainingError('not-enough-samples', 'There are no anchors');
    const client = fakeClient([async () => Promise.reject(notEnough)]);
    const run = createStartRun({ loadSamples: noSamples, start: client.start, createPageWorker: client.pageWorker });
    await expect(run(REQUEST, recorder().cb).done).rejects.toBe(notEnough);
    expect(client.calls).toHaveLength(1);

    const crashed = new TrainingError('worker-failed', 'The training worker failed: out of memory');
    const late = fakeClient([
      async (cb) => {
        cb.onReady?.(READY);
        throw crashed;
      },
    ]);
    const run2 = createStartRun({ loadSamples: noSamples, start: late.start, createPageWorker: late.pageWorker });
    await expect(run2(REQUEST, recorder().cb).done).rejects.toBe(crashed);
    expect(late.calls).toHaveLength(1);
  });

  it('moves the run to the page when the worker can only get a slower backend than the page, and says why', async () => {
    const client = fakeClient([
      async (cb) => {
        await tick();
        cb.onBackend?.(WASM); // e.g. no WebGL in workers in this browser
        return forever();
      },
      async (cb) => {
        cb.onBackend?.(GPU);
        cb.onReady?.({ ...READY, backend: GPU });
        return RESULT;
      },
    ]);
    const rec = recorder();
    const run = createStartRun({
      loadSamples: noSamples,
      start: client.start,
      createPageWorker: client.pageWorker,
      pageBackend: () => GPU,
    });
    const handle = run(REQUEST, rec.cb);
    expect(await handle.done).toBe(RESULT);
    expect(client.calls.map((c) => [c.page, c.cancelled])).toEqual([
      [false, true], // the worker was ended at once, without waiting for a batch or a checkpoint
      [true, false],
    ]);
    expect(client.calls[1]!.request).toBe(client.calls[0]!.request);
    const why = `The background worker could only train on WebAssembly here (${WASM.reason}), while this page has WebGL on the GPU`;
    expect(rec.notes).toContain(`${why}; training in this page instead…`);
    expect(rec.ready).toEqual([
      [
        'page',
        `Fine-tuning the pretrained face model on your captures. ${why}, so training runs in this page, which may respond slowly meanwhile. ${GPU.reason}.`,
        { train: 11, test: 5 },
      ],
    ]);
    // Stop now reaches the run in the page.
    handle.stop();
    expect(client.calls.map((c) => c.stopped)).toEqual([false, true]);
  });

  it("keeps the run in the worker when its backend is as good as the page's, the page's is unknown, or after a stop", async () => {
    for (const [worker, page] of [
      [WASM, WASM],
      [GPU, GPU],
      [WASM, null],
      [WASM, SWIFTSHADER],
    ] as const) {
      const client = fakeClient([
        async (cb) => {
          await tick();
          cb.onBackend?.(worker);
          cb.onReady?.({ ...READY, backend: worker });
          return RESULT;
        },
      ]);
      const rec = recorder();
      const handle = createStartRun({
        loadSamples: noSamples,
        start: client.start,
        createPageWorker: client.pageWorker,
        pageBackend: () => page,
      })(REQUEST, rec.cb);
      expect(await handle.done).toBe(RESULT);
      expect(client.calls.map((c) => [c.page, c.cancelled])).toEqual([[false, false]]);
      expect(rec.ready.map((r) => r[0])).toEqual(['worker']);
    }
    // Stopped before the worker reported its backend: it is not moved (the stop finishes it).
    const client = fakeClient([
      async (cb) => {
        await tick();
        cb.onBackend?.(WASM);
        return { ...RESULT, stopped: true };
      },
    ]);
    const handle = createStartRun({
      loadSamples: noSamples,
      start: client.start,
      createPageWorker: client.pageWorker,
      pageBackend: () => GPU,
    })(REQUEST, recorder().cb);
    handle.stop();
    expect(await handle.done).toMatchObject({ stopped: true });
    expect(client.calls.map((c) => [c.page, c.cancelled, c.stopped])).toEqual([[false, false, true]]);
  });

  it('does not start in the page after a stop', async () => {
    let fail!: (e: unknown) => void;
    const client = fakeClient([() => new Promise<TrainResult>((_, reject) => (fail = reject))]);
    const handle = createStartRun({ loadSamples: noSamples, start: client.start, createPageWorker: client.pageWorker })(
      REQUEST,
      recorder().cb,
    );
    handle.stop(); // before the samples are read: the stop reaches the worker once it starts
    await tick();
    expect(client.stops()).toBe(1);
    fail(new TrainingError('worker-failed', 'gone'));
    await expect(handle.done).rejects.toThrow('gone');
    expect(client.calls).toHaveLength(1);
  });
  it("passes the caller's callbacks on, and a cancel before the samples are read starts nothing", async () => {
    const client = fakeClient([
      async (cb) => {
        cb.onBackend?.(WASM);
        cb.onPreparing?.(1, 2);
        cb.onReady?.(READY);
        cb.onCalibrating?.(7);
        return RESULT;
      },
    ]);
    const seen: string[] = [];
    const handle = createStartRun({
      loadSamples: noSamples,
      start: client.start,
      createPageWorker: client.pageWorker,
      pageBackend: () => WASM,
    })(REQUEST, {
      onBackend: (b) => seen.push(`backend ${b.backend}`),
      onPreparing: (done, total) => seen.push(`preparing ${done}/${total}`),
      onPlace: (where) => seen.push(`place ${where}`),
      onReady: (info) => seen.push(`ready ${info.trainPairs}`),
      onCalibrating: (n) => seen.push(`calibrating ${n}`),
    });
    expect(await handle.done).toBe(RESULT);
    expect(seen).toEqual(['backend wasm', 'preparing 1/2', 'place worker', 'ready 11', 'calibrating 7']);

    const idle = fakeClient([]);
    const cancelled = createStartRun({ loadSamples: noSamples, start: idle.start, createPageWorker: idle.pageWorker })(REQUEST);
    cancelled.cancel();
    await expect(cancelled.done).rejects.toMatchObject({ code: 'worker-failed' });
    expect(idle.calls).toHaveLength(0);
  });
});

describe('workerBackendShortfall', () => {
  it('moves only for a slower kind of backend: GPU WebGL over WebAssembly over software WebGL or plain JavaScript', () => {
    expect(workerBackendShortfall(WASM, GPU)).toBe(
      `The background worker could only train on WebAssembly here (${WASM.reason}), while this page has WebGL on the GPU`,
    );
    expect(workerBackendShortfall(CPU, WASM)).toMatch(
      /^The background worker could only train on plain JavaScript here .*, while this page has WebAssembly$/,
    );
    expect(workerBackendShortfall(SWIFTSHADER, WASM)).toMatch(
      /only train on WebGL on a software renderer here .*, while this page has WebAssembly$/,
    );
    expect(workerBackendShortfall(CPU, GPU)).toMatch(/plain JavaScript .* WebGL on the GPU$/);
    for (const [worker, page] of [
      [WASM, WASM],
      [GPU, GPU],
      [GPU, WASM],
      [WASM, SWIFTSHADER],
      [CPU, SWIFTSHADER], // neither is worth blocking the page for
      [WASM, null],
    ] as const) {
      expect(workerBackendShortfall(worker, page), `${worker.backend} in the worker, ${page?.backend ?? 'nothing'} in the page`).toBeNull();
    }
  });
});

describe('loadTrainingSamples', () => {
  it('reads the three training kinds with their blobs, not verification images', async () => {
    const store = createSampleStore(createStore('start-run-test', 'samples'));
    const add = (kind: 'anchor' | 'positive' | 'negative' | 'verification', byte: number) =>
      store.addSample(new Blob([new Uint8Array([0xff, 0xd8, byte])], { type: 'image/jpeg' }), {
        kind,
        source: 'webcam',
        width: 250,
        height: 250,
      });
    const a = await add('anchor', 1);
    const p = await add('positive', 2);
    const n = await add('negative', 3);
    await add('verification', 4);
    const samples = await loadTrainingSamples(store);
    expect(samples.anchors.map((s) => s.id)).toEqual([a.id]);
    expect(samples.positives.map((s) => s.id)).toEqual([p.id]);
    expect(samples.negatives.map((s) => s.id)).toEqual([n.id]);
    expect(new Uint8Array(await samples.negatives[0]!.blob.arrayBuffer())[2]).toBe(3);
  });

  it("says whose each anchor and positive is: the record's person, the default person for older records, nobody's for negatives", async () => {
    const store = createSampleStore(createStore('start-run-people-test', 'samples'));
    const add = (kind: 'anchor' | 'positive' | 'negative', createdAt: number, person?: string) =>
      store.addSample(new Blob([new Uint8Array([0xff, 0xd8, createdAt])], { type: 'image/jpeg' }), {
        kind,
        source: 'webcam',
        width: 250,
        height: 250,
        createdAt,
        ...(person !== undefined && { person }),
      });
    const old = await add('anchor', 1);
    const bob = await add('anchor', 2, 'p-bob');
    const bobs = await add('positive', 3, 'p-bob');
    const n = await add('negative', 4);
    const samples = await loadTrainingSamples(store);
    expect(samples.anchors.map(({ id, person }) => ({ id, person }))).toEqual([
      { id: old.id, person: DEFAULT_PERSON_ID },
      { id: bob.id, person: 'p-bob' },
    ]);
    expect(samples.positives.map(({ id, person }) => ({ id, person }))).toEqual([{ id: bobs.id, person: 'p-bob' }]);
    expect(samples.negatives).toEqual([{ id: n.id, blob: expect.any(Blob) }]);
  });
});

describe('createInPageWorker', () => {
  it('runs the real training session in this thread through the client: progress, epochs, saved model, no leaks', async () => {
    await useWasmBackend();
    const blobs = (prefix: string): SampleBlob[] =>
      Array.from({ length: 6 }, (_, i) => ({ id: `${prefix}${i}`, blob: new Blob([`${prefix}${i}`]) }));
    const saved: NetworkMeta[] = [];
    const start = tf.memory().numTensors;
    const worker = createInPageWorker({
      decode: async (sample, size) =>
        tf.randomUniform([size, size, 3], 0, 1, 'float32', (await sample.blob.text()).charCodeAt(0)) as tf.Tensor3D,
      selectBackend: async () => ({ backend: 'wasm', threads: 1, simd: true, renderer: null, reason: 'test' }),
      checkpoints: createMemoryCheckpointStore(),
      saveModel: async (_net, meta) => void saved.push(meta),
      yieldBetweenBatches: async () => undefined,
    });
    const epochs: EpochMetrics[] = [];
    let batches = 0;
    const handle = startTraining(
      {
        samples: { anchors: blobs('a'), positives: blobs('p'), negatives: blobs('n') },
        modelConfig: { inputSize: 58, filters: [2, 4, 4, 4], embeddingSize: 8 },
        trainingConfig: { epochs: 2, batchSize: 4, samplesPerClass: 6, checkpointEvery: 1, seed: 3 },
        resume: false,
        backend: 'auto',
        thresholds: DEFAULT_VERIFY_CONFIG,
      },
      { onProgress: () => void batches++, onEpoch: (m) => void epochs.push(m) },
      () => worker,
    );
    const result = await handle.done;
    expect(result.stopped).toBe(false);
    expect(epochs.map((m) => m.epoch)).toEqual([1, 2]);
    expect(batches).toBe(2 * Math.ceil(8 / 4)); // 12 pairs, 8 for training
    expect(saved).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(start);
  });
});
