/**
 * A training run of the face-recognition network through the worker's session (session.ts): the
 * samples' face descriptors come from the describer once, only the head trains on them, the run
 * calibrates at the face model's operating point, stops and resumes exactly, and leaves no tensors.
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { createStore } from 'idb-keyval';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACEREC_CONFIG, FACEREC_TRAINING_CONFIG, validateTrainingConfig, type ModelConfig } from '../config';
import { buildPeoplePairs, createRng, DEFAULT_PERSON_ID, pairsFingerprint } from '../data';
import { buildSiamese, disposeNetwork, loadPretrained, type NetworkMeta, type SiameseNetwork } from '../model';
import { servePublic } from '../../tools/lfw';
import { useWasmBackend } from '../../tools/common/node-backend';
import { sampleIds } from '../../test/synthetic';
import { CALIBRATION_TARGET_FAR } from './calibrate';
import { createMemoryCheckpointStore } from './checkpoint';
import type { SampleBlob, StartRequest, TrainingSummary, WorkerMessage } from './protocol';
import { createTrainingSession, peopleOf, type SessionDeps } from './session';

beforeAll(async () => {
  await useWasmBackend();
});

const served = servePublic('/app/');
const store = createStore('session-facerec-test', 'models');

/**
 * A unit vector around a person's centre (seeded by the sample id): each enrolled person's faces
 * cluster (ids `b…`: a second person, Bob, around another centre), strangers (`n…`) do not.
 */
function fakeDescriptor(id: string): Float32Array {
  const rng = createRng([...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 11));
  const user = !id.startsWith('n');
  const centre = id.startsWith('b') ? Math.cos : Math.sin;
  const v = Float32Array.from({ length: 128 }, (_, i) => (user ? centre(i) * 0.09 : 0) + (rng() - 0.5) * (user ? 0.04 : 0.2));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const blobs = (prefix: string, n: number): SampleBlob[] => sampleIds(prefix, n).map((id) => ({ id, blob: new Blob([id]) }));

function deps(over: Partial<SessionDeps> = {}) {
  const posted: WorkerMessage[] = [];
  const saved: { net: ModelConfig; meta: NetworkMeta; weights: number[] }[] = [];
  const described: string[] = [];
  const d: SessionDeps = {
    post: (m) => posted.push(structuredClone(m)),
    decode: async () => {
      throw new Error('the face-recognition network never decodes images for the reference network');
    },
    describe: async (samples, _signal, onProgress) =>
      samples.map((s, i) => (described.push(s.id), onProgress(i + 1, samples.length), fakeDescriptor(s.id))),
    selectBackend: async () => ({ backend: 'wasm', threads: 1, simd: true, renderer: null, reason: 'test' }),
    checkpoints: createMemoryCheckpointStore(),
    saveModel: async (net, meta) => {
      saved.push({ net: net.config, meta, weights: Array.from(net.classifier.getWeights()[0]!.dataSync()) });
    },
    // As the app: the shipped pretrained head (public/models/face-recognition-head).
    initialNetwork: async (config): Promise<SiameseNetwork> => (await loadPretrained('/app/', config, { fetch: served, store })).net,
    yieldBetweenBatches: async () => undefined,
    ...over,
  };
  return { d, posted, saved, described };
}

const request = (over: Partial<StartRequest> = {}): StartRequest => ({
  samples: { anchors: blobs('a', 12), positives: blobs('p', 12), negatives: blobs('n', 80) },
  modelConfig: DEFAULT_FACEREC_CONFIG,
  trainingConfig: { ...FACEREC_TRAINING_CONFIG, samplesPerClass: 12, epochs: 20, batchSize: 8 },
  resume: false,
  backend: 'auto',
  ...over,
});

describe('training the face-recognition network', () => {
  it('describes each sample once, trains the head on descriptors, calibrates at its target and saves it; no tensors left', async () => {
    const { d, posted, saved, described } = deps();
    const before = tf.memory().numTensors;
    await createTrainingSession(d).handle({ type: 'start', request: request({ augment: { enabled: true } }) });
    expect(tf.memory().numTensors).toBe(before);
    const error = posted.find((m) => m.type === 'error');
    expect(error).toBeUndefined();
    const ready = posted.find((m) => m.type === 'ready');
    expect(ready).toMatchObject({ info: { modelConfig: DEFAULT_FACEREC_CONFIG, startedFrom: 'pretrained' } });
    expect(posted.some((m) => m.type === 'preparing')).toBe(true);
    // Pair samples once, then the held-out calibration negatives once each.
    expect(described.filter((id, i) => described.indexOf(id) !== i)).toEqual([]);
    const done = posted.at(-1);
    expect(done?.type).toBe('done');
    expect(saved).toHaveLength(1);
    expect(saved[0]!.net).toEqual(DEFAULT_FACEREC_CONFIG);
    const summary = saved[0]!.meta.training as TrainingSummary;
    expect(summary.modelConfig).toEqual(DEFAULT_FACEREC_CONFIG);
    expect(summary.final!.accuracy).toBeGreaterThan(0.9);
    expect(summary.final!.testLoss).toBeLessThan(summary.history[0]!.testLoss);
    expect(summary.calibration).toMatchObject({ kind: 'calibrated', targetFar: CALIBRATION_TARGET_FAR.facerec });
  });

  it('stops with a checkpoint and resumes to the same head as an uninterrupted run', async () => {
    const whole = deps();
    await createTrainingSession(whole.d).handle({
      type: 'start',
      request: request({ trainingConfig: { ...request().trainingConfig, calibrate: false } }),
    });
    const store = createMemoryCheckpointStore();
    const first = deps({ checkpoints: store });
    const session = createTrainingSession({
      ...first.d,
      post: (m) => {
        first.posted.push(m);
        if (m.type === 'progress' && m.progress.epoch === 3 && m.progress.batch === 1) void session.handle({ type: 'stop' });
      },
    });
    await session.handle({ type: 'start', request: request({ trainingConfig: { ...request().trainingConfig, calibrate: false } }) });
    expect(first.posted.at(-1)?.type).toBe('stopped');
    expect(await store.summary()).toMatchObject({ reason: 'stop' });
    const second = deps({ checkpoints: store });
    await createTrainingSession(second.d).handle({ type: 'start', request: request({ resume: true }) });
    expect(second.posted.at(-1)?.type).toBe('done');
    expect(second.saved[0]!.weights).toEqual(whole.saved[0]!.weights);
  });

  it('refuses frozen convolutions and says why; without a describer it says the network cannot run here', async () => {
    const frozen = deps();
    await createTrainingSession(frozen.d).handle({
      type: 'start',
      request: request({ trainingConfig: { ...request().trainingConfig, freeze: 'convs' } }),
    });
    expect(frozen.posted.at(-1)).toMatchObject({ type: 'error', code: 'invalid-config', message: /no convolutions/ });
    const none = deps({ describe: undefined });
    await createTrainingSession(none.d).handle({ type: 'start', request: request() });
    expect(none.posted.at(-1)).toMatchObject({ type: 'error', message: /cannot run here/ });
  });
});

describe('training one face-recognition head for two people', () => {
  const person = (blobsOf: SampleBlob[], person: string): SampleBlob[] => blobsOf.map((s) => ({ ...s, person }));
  // Me (the default person: no `person`, as records older than people) and Bob.
  const samples = {
    anchors: [...blobs('a', 12), ...person(blobs('ba', 12), 'p-bob')],
    positives: [...blobs('p', 12), ...person(blobs('bp', 12), 'p-bob')],
    negatives: blobs('n', 80),
  };

  it("pairs each person's captures with the other's as negatives, tells the two apart, calibrates on both and leaves no tensors", async () => {
    const checkpoints = createMemoryCheckpointStore();
    const scores: { same: number[]; cross: number[] } = { same: [], cross: [] };
    const { d, posted, saved } = deps({
      checkpoints,
      // Before the network is disposed: its scores on every same-person and cross-person pair of one anchor each.
      saveModel: async (net, meta) => {
        const score = (a: string, others: string[]) =>
          tf.tidy(() => {
            const x = tf.tensor2d(others.map(() => Array.from(fakeDescriptor(a))));
            const y = tf.tensor2d(others.map((b) => Array.from(fakeDescriptor(b))));
            return Array.from((net.model.predict([x, y]) as tf.Tensor).dataSync());
          });
        scores.same.push(...score('a0', sampleIds('p', 12)), ...score('ba0', sampleIds('bp', 12)));
        scores.cross.push(...score('a0', [...sampleIds('ba', 12), ...sampleIds('bp', 12)]), ...score('ba0', sampleIds('p', 12)));
        saved.push({ net: net.config, meta, weights: [] });
      },
    });
    const before = tf.memory().numTensors;
    await createTrainingSession(d).handle({ type: 'start', request: request({ samples }) });
    expect(tf.memory().numTensors).toBe(before);
    expect(posted.find((m) => m.type === 'error')).toBeUndefined();
    expect(posted.at(-1)?.type).toBe('done');

    // The split the run trained on is buildPeoplePairs' over the two people: it holds cross-person pairs.
    const people = peopleOf(samples);
    expect(people.map((p) => [p.person, p.anchors.length, p.positives.length])).toEqual([
      [DEFAULT_PERSON_ID, 12, 12],
      ['p-bob', 12, 12],
    ]);
    const trainingConfig = request().trainingConfig;
    const split = buildPeoplePairs(
      people,
      samples.negatives.map((s) => s.id),
      validateTrainingConfig(trainingConfig),
    );
    const mine = new Set([...people[0]!.anchors, ...people[0]!.positives]);
    const cross = [...split.train, ...split.test].filter((p) => p.label === 0 && !p.b.startsWith('n'));
    expect(cross).toHaveLength(24);
    expect(cross.every((p) => mine.has(p.a) !== mine.has(p.b))).toBe(true);
    expect(split.train.filter((p) => cross.includes(p)).length).toBeGreaterThan(0);
    expect(split.test.filter((p) => cross.includes(p)).length).toBeGreaterThan(0);
    const ready = posted.find((m) => m.type === 'ready');
    expect(ready).toMatchObject({ info: { trainPairs: split.train.length, testPairs: split.test.length } });
    expect((await checkpoints.summary())?.pairs).toBe(pairsFingerprint(split));

    // One model for both: each person's own faces pass, the other person's do not.
    const summary = saved[0]!.meta.training as TrainingSummary;
    expect(summary.final!.accuracy).toBeGreaterThan(0.9);
    expect(summary.calibration).toMatchObject({ kind: 'calibrated' });
    expect(summary.people).toEqual([DEFAULT_PERSON_ID, 'p-bob']);
    expect(Math.min(...scores.same)).toBeGreaterThan(0.5);
    expect(Math.max(...scores.cross)).toBeLessThan(0.5);
  });
});

it('the pretrained network it starts from disposes with disposeNetwork', () => {
  const before = tf.memory().numTensors;
  disposeNetwork(buildSiamese(DEFAULT_FACEREC_CONFIG));
  expect(tf.memory().numTensors).toBe(before);
});
