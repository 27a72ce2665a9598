import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_CONFIG, validateTrainingConfig, type ModelConfig, type TrainingStart } from '../config';
import { buildPeoplePairs, pairsFingerprint } from '../data';
import { buildSiamese, disposeNetwork, type NetworkMeta, type SiameseNetwork } from '../model';
import { useWasmBackend } from '../../tools/common/node-backend';
import { seedWeights } from '../../tools/common';
import { sampleIds } from '../../test/synthetic';
import { createMemoryCheckpointStore, type CheckpointStore, type EpochMetrics } from './checkpoint';
import { startTraining, type WorkerLike } from './client';
import { CALIBRATION, type CalibrationOutcome } from './calibrate';
import {
  TRAINED_MODEL_KEY,
  type PageMessage,
  type ReadyInfo,
  type SampleBlob,
  type StartRequest,
  type TrainingSummary,
  type WorkerMessage,
} from './protocol';
import { createTrainingSession, peopleOf, runCheckpointEvery, type SessionDeps } from './session';

/**
 * The worker's message handling (session.ts) driven through the page client (client.ts), with the
 * Worker replaced by an in-process fake: messages cross asynchronously, and everything the worker
 * posts must survive structuredClone as it must in a browser.
 */

const MODEL = { inputSize: 58, filters: [2, 4, 4, 4] as [number, number, number, number], embeddingSize: 8 };
const TRAINING = { epochs: 2, batchSize: 4, learningRate: 1e-3, samplesPerClass: 6, trainFraction: 0.7, checkpointEvery: 1, seed: 3 };

const blobs = (prefix: string, n: number): SampleBlob[] => sampleIds(prefix, n).map((id) => ({ id, blob: new Blob([id]) }));
const request = (over: Partial<StartRequest> = {}): StartRequest => ({
  samples: { anchors: blobs('a', 6), positives: blobs('p', 6), negatives: blobs('n', 6) },
  modelConfig: MODEL,
  trainingConfig: TRAINING,
  resume: false,
  backend: 'auto',
  ...over,
});

/** A seeded image per sample id (decoding is not what these tests are about). */
async function fakeDecode(sample: SampleBlob, size: number): Promise<tf.Tensor3D> {
  const text = await sample.blob.text();
  if (text === 'broken') throw new Error('not an image');
  const seed = [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  return tf.randomUniform([size, size, 3], 0, 1, 'float32', seed) as tf.Tensor3D;
}

interface Harness {
  store: CheckpointStore;
  saved: NetworkMeta[];
  workers: FakeWorker[];
  create: () => WorkerLike;
}

class FakeWorker implements WorkerLike {
  onmessage: ((event: MessageEvent<WorkerMessage>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  terminated = false;
  readonly posted: WorkerMessage[] = [];
  private readonly session;

  constructor(deps: Omit<SessionDeps, 'yieldBetweenBatches' | 'post'>) {
    this.session = createTrainingSession({
      ...deps,
      // A terminated worker's thread is gone: its training never takes another step.
      yieldBetweenBatches: () => new Promise((resolve) => setTimeout(() => !this.terminated && resolve(), 0)),
      post: (m) => {
        const copy = structuredClone(m); // what a real worker could post
        this.posted.push(copy);
        setTimeout(() => !this.terminated && this.onmessage?.({ data: copy } as MessageEvent<WorkerMessage>), 0);
      },
    });
  }

  postMessage(message: PageMessage): void {
    setTimeout(() => void this.session.handle(message), 0);
  }

  terminate(): void {
    this.terminated = true;
  }
}

function harness(decode = fakeDecode): Harness {
  const h: Harness = {
    store: createMemoryCheckpointStore(),
    saved: [],
    workers: [],
    create: () => {
      const w = new FakeWorker({
        decode,
        selectBackend: async () => ({ backend: 'wasm', threads: 1, simd: true, renderer: null, reason: 'test' }),
        checkpoints: h.store,
        saveModel: async (_net, meta) => {
          h.saved.push(meta);
        },
      });
      h.workers.push(w);
      return w;
    },
  };
  return h;
}

beforeAll(async () => {
  await useWasmBackend();
});

describe('training worker protocol (session + client)', () => {
  it('prepares, trains, checkpoints, saves the model and reports done; no tensors left', async () => {
    const h = harness();
    const before = tf.memory().numTensors;
    const events: string[] = [];
    const handle = startTraining(
      request(),
      {
        onPreparing: (done, total) => events.push(`prep ${done}/${total}`),
        onReady: (info) => events.push(`ready ${info.trainPairs}+${info.testPairs} ${info.backend.backend} ${info.resumedFrom === null}`),
        onProgress: (p) => events.push(`batch ${p.epoch}.${p.batch}/${p.batches}`),
        onEpoch: (m) => events.push(`epoch ${m.epoch}`),
        onCheckpoint: (c) => events.push(`checkpoint ${c.reason} ${c.epochsDone}`),
      },
      h.create,
    );
    const result = await handle.done;
    expect(result).toMatchObject({ stopped: false, epochsCompleted: 2 });
    expect(events).toEqual([
      'prep 16/18',
      'prep 18/18',
      'ready 8+4 wasm true', // 12 pairs: 8 train (2 batches), 4 test
      'batch 1.1/2',
      'batch 1.2/2',
      'epoch 1',
      'checkpoint interval 1',
      'batch 2.1/2',
      'batch 2.2/2',
      'epoch 2',
    ]);
    expect(h.workers[0]!.posted.at(-1)).toMatchObject({ type: 'done', modelKey: TRAINED_MODEL_KEY });
    expect(h.saved).toHaveLength(1);
    expect(h.saved[0]!.thresholds).toEqual({ detectionThreshold: 0.5, verificationThreshold: 0.5 });
    expect(h.saved[0]!.training).toMatchObject({ trainPairs: 8, testPairs: 4, backend: 'wasm', history: result.history });
    expect(h.workers[0]!.terminated).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops after the current batch with a checkpoint, and a resumed run continues from it', async () => {
    const h = harness();
    let stopping: Promise<void> | undefined;
    const first = startTraining(
      request({ trainingConfig: { ...TRAINING, epochs: 3, checkpointEvery: 5 } }),
      {
        onProgress: (p) => {
          if (p.epoch === 2 && p.batch === 1) stopping = first.stop();
        },
      },
      h.create,
    );
    const stopped = await first.done;
    await stopping;
    // The stop reaches the worker a message later: it stops at the batch boundary after that.
    const at = (await h.store.summary())!;
    expect(stopped.stopped).toBe(true);
    expect(at).toMatchObject({ reason: 'stop', epochsDone: stopped.epochsCompleted });
    const batchesTrained = at.epochsDone * 2 + at.batchesDone;
    expect(batchesTrained >= 3 && batchesTrained < 6, `stopped after ${batchesTrained} of 6 batches`).toBe(true);
    expect(h.saved).toHaveLength(0);

    // Resume ignores the form's settings and uses the checkpoint's.
    let resumedFrom: unknown;
    const second = startTraining(
      request({ resume: true, trainingConfig: { ...TRAINING, epochs: 9 } }),
      { onReady: (info) => (resumedFrom = info.resumedFrom) },
      h.create,
    );
    const done = await second.done;
    expect(resumedFrom).toEqual({ epochsDone: at.epochsDone, batchesDone: at.batchesDone });
    expect(done).toMatchObject({ stopped: false, epochsCompleted: 3 });
    expect(done.history.map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect(h.saved).toHaveLength(1);
    // stop() after the end resolves at once.
    await second.stop();
  });

  it('checkpoints every epoch in a run no longer than the interval, so a crash without Stop leaves a checkpoint a new worker resumes from', async () => {
    const h = harness();
    // The app's interval (10) and a run shorter than it, like the default 5-epoch fine-tuning.
    const config = { ...TRAINING, epochs: 3, checkpointEvery: DEFAULT_TRAINING_CONFIG.checkpointEvery };
    let readyEvery: number | undefined;
    const firstEpochs: EpochMetrics[] = [];
    let crash!: () => void;
    const crashed = new Promise<void>((resolve) => (crash = resolve));
    const first = startTraining(
      request({ trainingConfig: config }),
      {
        onReady: (info) => (readyEvery = info.trainingConfig.checkpointEvery),
        onEpoch: (m) => firstEpochs.push(m),
        onCheckpoint: (c) => {
          // The page reloads (or the tab crashes) right after the first epoch's checkpoint: the
          // worker dies with the page, no Stop is sent and nothing more runs in it.
          expect(c).toEqual({ epochsDone: 1, batchesDone: 0, reason: 'interval' });
          h.workers[0]!.terminate();
          crash();
        },
      },
      h.create,
    );
    await Promise.race([
      crashed,
      first.done.then((r) => {
        throw new Error(`The run ended (${r.epochsCompleted} epochs) without an interval checkpoint`);
      }),
    ]);
    await new Promise((r) => setTimeout(r, 50));
    expect(readyEvery).toBe(1);
    const left = (await h.store.summary())!;
    expect(left).toMatchObject({ reason: 'interval', epochsDone: 1, batchesDone: 0 });
    expect(left.history).toEqual(firstEpochs);
    expect(h.workers[0]!.posted.filter((m) => m.type === 'epoch')).toHaveLength(1); // it died in epoch 2
    expect(h.saved).toHaveLength(0);

    // After the reload: a new worker resumes from that checkpoint; the epochs and history continue.
    let resumedFrom: unknown;
    const secondEpochs: number[] = [];
    const checkpoints: string[] = [];
    const done = await startTraining(
      request({ resume: true }),
      {
        onReady: (info) => (resumedFrom = info.resumedFrom),
        onEpoch: (m) => secondEpochs.push(m.epoch),
        onCheckpoint: (c) => checkpoints.push(`${c.reason} ${c.epochsDone}`),
      },
      h.create,
    ).done;
    expect(resumedFrom).toEqual({ epochsDone: 1, batchesDone: 0 });
    expect(secondEpochs).toEqual([2, 3]);
    expect(checkpoints).toEqual(['interval 2']);
    expect(done).toMatchObject({ stopped: false, epochsCompleted: 3 });
    expect(done.history.map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect(done.history[0]).toEqual(firstEpochs[0]);
    expect(h.saved).toHaveLength(1);
    expect(h.saved[0]!.training).toMatchObject({ history: done.history });
  });

  it('keeps the configured interval for runs longer than it', async () => {
    expect(runCheckpointEvery({ epochs: 5, checkpointEvery: 10 })).toBe(1); // the app's default fine-tuning
    expect(runCheckpointEvery({ epochs: 10, checkpointEvery: 10 })).toBe(1); // 10 would only write after the last epoch
    expect(runCheckpointEvery({ epochs: 50, checkpointEvery: 10 })).toBe(10); // the reference run
    expect(runCheckpointEvery({ epochs: 11, checkpointEvery: 10 })).toBe(10);
    expect(runCheckpointEvery({ epochs: 1, checkpointEvery: 10 })).toBe(10); // nothing to resume in a one-epoch run
    const h = harness();
    const checkpoints: string[] = [];
    await startTraining(
      request({ trainingConfig: { ...TRAINING, epochs: 3, checkpointEvery: 2 } }),
      { onCheckpoint: (c) => checkpoints.push(`${c.reason} ${c.epochsDone}`) },
      h.create,
    ).done;
    expect(checkpoints).toEqual(['interval 2']);
    // 4 epochs, interval 2: after epoch 2; none after the last (the run saves its model instead).
    const four: string[] = [];
    await startTraining(
      request({ trainingConfig: { ...TRAINING, epochs: 4, checkpointEvery: 2 } }),
      { onCheckpoint: (c) => four.push(`${c.reason} ${c.epochsDone}`) },
      h.create,
    ).done;
    expect(four).toEqual(['interval 2']);
  });

  it("starts from initialNetwork with the config's start, and augments batches when the training config says so", async () => {
    // Seeded starting weights: with unseeded ones this tiny network (2–4 filters) now and then
    // starts with every ReLU of a layer dead, so no input reaches the head and augmentation cannot
    // change what training learns (it failed once in CI that way).
    const init = buildSiamese(MODEL);
    seedWeights(init, 11);
    const initial = init.model.getWeights().map((w) => w.clone());
    disposeNetwork(init);
    const starts: TrainingStart[] = [];
    /** Trains one epoch with fixed starting weights; returns the trained weights and the ready/summary info. */
    const run = async (over: Partial<StartRequest>) => {
      let weights: Float32Array[] = [];
      let startedFrom: unknown;
      const posted: WorkerMessage[] = [];
      const session = createTrainingSession({
        post: (m) => posted.push(m),
        decode: fakeDecode,
        selectBackend: async () => ({ backend: 'wasm', threads: 1, simd: true, renderer: null, reason: 'test' }),
        checkpoints: createMemoryCheckpointStore(),
        saveModel: async (net, meta) => {
          weights = net.model.getWeights().map((w) => w.dataSync() as Float32Array);
          startedFrom = (meta.training as { startedFrom?: unknown }).startedFrom;
        },
        initialNetwork: async (config: ModelConfig, start: TrainingStart): Promise<SiameseNetwork> => {
          starts.push(start);
          const net = buildSiamese(config);
          net.model.setWeights(initial);
          return net;
        },
        yieldBetweenBatches: async () => undefined,
      });
      await session.handle({ type: 'start', request: request(over) });
      expect(posted.at(-1)).toMatchObject({ type: 'done' });
      const ready = posted.find((m) => m.type === 'ready');
      return { weights, startedFrom, ready: ready?.type === 'ready' ? ready.info : null };
    };
    const plain = await run({ trainingConfig: { ...TRAINING, epochs: 1, augment: false, start: 'scratch' } });
    expect(starts).toEqual(['scratch']);
    // This small config has no pretrained weights: it starts from scratch whatever start says.
    expect(plain.ready?.startedFrom).toBe('scratch');
    expect(plain.startedFrom).toBe('scratch');
    // The first convolution learned: the input reaches the head, so augmentation can matter.
    expect(plain.weights[0]).not.toEqual(initial[0]!.dataSync());
    const augmented = await run({ trainingConfig: { ...TRAINING, epochs: 1, augment: true } });
    expect(starts).toEqual(['scratch', 'pretrained']);
    expect(augmented.weights).not.toEqual(plain.weights);
    const again = await run({ trainingConfig: { ...TRAINING, epochs: 1, augment: true } });
    expect(again.weights).toEqual(augmented.weights); // seeded
    // request.augment overrides the details: switched off, the run equals the plain one.
    const off = await run({ trainingConfig: { ...TRAINING, epochs: 1, augment: true }, augment: { enabled: false } });
    expect(off.weights).toEqual(plain.weights);
    tf.dispose(initial);
  });

  it('reports typed errors: too few samples, nothing to resume, an unreadable image, a worker that fails', async () => {
    const h = harness();
    await expect(
      startTraining(request({ samples: { anchors: blobs('a', 1), positives: blobs('p', 1), negatives: [] } }), {}, h.create).done,
    ).rejects.toMatchObject({
      code: 'not-enough-samples',
      message: expect.stringMatching(/no negatives/),
    });
    await expect(startTraining(request({ resume: true }), {}, h.create).done).rejects.toMatchObject({ code: 'no-checkpoint' });
    await expect(startTraining(request({ modelConfig: { ...MODEL, inputSize: 12 } }), {}, h.create).done).rejects.toMatchObject({
      code: 'invalid-config',
      message: expect.stringMatching(/inputSize/),
    });
    const broken = request();
    const samples = { ...broken.samples, positives: [...broken.samples.positives.slice(1), { id: 'bad', blob: new Blob(['broken']) }] };
    await expect(startTraining({ ...broken, samples }, {}, h.create).done).rejects.toMatchObject({
      code: 'decode-failed',
      message: expect.stringMatching(/Sample bad/),
    });
    expect(h.workers.every((w) => w.terminated)).toBe(true);

    const failing: WorkerLike = {
      onmessage: null,
      onerror: null,
      onmessageerror: null,
      postMessage() {
        setTimeout(() => failing.onerror?.({ message: 'SyntaxError in worker.js', preventDefault: () => undefined } as ErrorEvent), 0);
      },
      terminate: () => undefined,
    };
    await expect(startTraining(request(), {}, () => failing).done).rejects.toMatchObject({
      code: 'worker-failed',
      message: expect.stringMatching(/SyntaxError/),
    });
  });

  it('calibrates the trained model on negatives no pair used, and saves what it did; skips when too few are left out', async () => {
    const h = harness();
    const before = tf.memory().numTensors;
    // 6 negatives go into pairs (samplesPerClass 6); 46 are left out, one of them unreadable.
    const negatives = [...blobs('n', 51), { id: 'n-broken', blob: new Blob(['broken']) }];
    const calibrating: number[] = [];
    const result = await startTraining(
      request({ samples: { anchors: blobs('a', 6), positives: blobs('p', 6), negatives } }),
      { onCalibrating: (n) => calibrating.push(n) },
      h.create,
    ).done;
    expect(calibrating).toEqual([46]);
    const saved = h.saved[0]!.training as TrainingSummary;
    expect(saved.calibration).toMatchObject({ kind: 'calibrated', targetFar: CALIBRATION.targetFar, anchors: 6 });
    expect(result.calibration).toEqual(saved.calibration);
    const c = saved.calibration as Extract<CalibrationOutcome, { kind: 'calibrated' }>;
    // The unreadable one left the cohort.
    expect(c.negatives).toBe(45);
    expect(c.farAfter).toBeLessThanOrEqual(CALIBRATION.targetFar);
    expect(tf.memory().numTensors).toBe(before);

    // Every negative in pairs: nothing to calibrate on, said why; the model is saved all the same.
    const few = await startTraining(request(), { onCalibrating: (n) => calibrating.push(n) }, h.create).done;
    expect(few.calibration).toEqual({
      kind: 'skipped',
      reason: expect.stringMatching(/^only 0 negatives were left out of training \(calibration needs 40\)/),
    });
    expect((h.saved[1]!.training as TrainingSummary).calibration).toEqual(few.calibration);
    // Switched off: no calibration at all.
    const off = await startTraining(
      request({
        trainingConfig: { ...TRAINING, calibrate: false },
        samples: { anchors: blobs('a', 6), positives: blobs('p', 6), negatives },
      }),
      { onCalibrating: (n) => calibrating.push(n) },
      h.create,
    ).done;
    expect(off.calibration).toBeUndefined();
    expect((h.saved[2]!.training as TrainingSummary).calibration).toBeUndefined();
    expect(calibrating).toEqual([46]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains the reference network for two people on their pairs with cross-person negatives, stops and resumes; no tensors left', async () => {
    const h = harness();
    const before = tf.memory().numTensors;
    const bob = (b: SampleBlob[]) => b.map((s) => ({ ...s, person: 'p-bob' }));
    const samples = {
      anchors: [...blobs('a', 6), ...bob(blobs('ba', 6))],
      positives: [...blobs('p', 6), ...bob(blobs('bp', 6))],
      negatives: blobs('n', 6),
    };
    const config = { ...TRAINING, epochs: 3, checkpointEvery: 5, calibrate: false };
    // Per person 6 positive pairs and 6 cross-person pairs, the 6 negatives spread over both: 30 pairs.
    const expected = buildPeoplePairs(peopleOf(samples), sampleIds('n', 6), validateTrainingConfig(config));
    expect([...expected.train, ...expected.test].filter((p) => p.label === 0 && !p.b.startsWith('n'))).toHaveLength(12);
    let ready: ReadyInfo | undefined;
    let stopping: Promise<void> | undefined;
    let prepared = 0;
    const first = startTraining(
      request({ samples, trainingConfig: config }),
      {
        onPreparing: (_done, total) => (prepared = total),
        onReady: (info) => (ready = info),
        onProgress: (p) => {
          if (p.epoch === 2 && p.batch === 1) stopping = first.stop();
        },
      },
      h.create,
    );
    expect(await first.done).toMatchObject({ stopped: true });
    await stopping;
    expect(prepared).toBe(30); // every anchor and positive of both, and the 6 negatives
    expect(ready).toMatchObject({ trainPairs: expected.train.length, testPairs: expected.test.length });
    expect(expected.train.length + expected.test.length).toBe(30);
    expect((await h.store.summary())?.pairs).toBe(pairsFingerprint(expected));

    // A sample moved to the other person changes the pairs: that checkpoint no longer fits.
    const moved = { ...samples, positives: samples.positives.map((s) => (s.id === 'p0' ? { ...s, person: 'p-bob' } : s)) };
    await expect(startTraining(request({ samples: moved, resume: true }), {}, h.create).done).rejects.toMatchObject({
      message: expect.stringMatching(/pairs differ/),
    });
    const done = await startTraining(request({ samples, resume: true }), {}, h.create).done;
    expect(done).toMatchObject({ stopped: false, epochsCompleted: 3 });
    expect(h.saved[0]!.training).toMatchObject({ trainPairs: expected.train.length, testPairs: expected.test.length });
    expect(tf.memory().numTensors).toBe(before);

    // A person with anchors but no positives: the run says who.
    await expect(startTraining(request({ samples: { ...samples, positives: blobs('p', 6) } }), {}, h.create).done).rejects.toMatchObject({
      code: 'not-enough-samples',
      message: expect.stringMatching(/"p-bob" has no positives/),
    });
  });

  it('answers a stop when nothing runs, and refuses a second start while training', async () => {
    const posted: WorkerMessage[] = [];
    const h = harness();
    const session = createTrainingSession({
      post: (m) => posted.push(m),
      decode: fakeDecode,
      selectBackend: async () => ({ backend: 'wasm', threads: 1, simd: true, renderer: null, reason: 'test' }),
      checkpoints: h.store,
      saveModel: async () => undefined,
    });
    await session.handle({ type: 'stop' });
    expect(posted).toEqual([{ type: 'stopped', result: { history: [], epochsCompleted: 0, stopped: true, final: null } }]);
    const running = session.handle({ type: 'start', request: request({ trainingConfig: { ...TRAINING, epochs: 1 } }) });
    await session.handle({ type: 'start', request: request() });
    expect(posted).toContainEqual({ type: 'error', code: 'worker-failed', message: 'Training is already running in this worker' });
    await running;
    expect(posted.filter((m) => m.type === 'error')).toHaveLength(1);
    expect(posted.at(-1)).toMatchObject({ type: 'done' });
  });
});
