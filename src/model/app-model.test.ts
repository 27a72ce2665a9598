import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { createStore, set } from 'idb-keyval';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACEREC_CONFIG, DEFAULT_VERIFY_CONFIG } from '../config';
import { servePublic } from '../../tools/lfw';
import { buildSiamese, disposeNetwork, loadAppModel, saveNetwork, type NetworkMeta, type PretrainedInfo } from './index';
import { useCpuBackend } from '../../tools/common/node-backend';

const SMALL = { inputSize: 58, filters: [2, 4, 4, 4] as [number, number, number, number], embeddingSize: 8 };
const META: NetworkMeta = { thresholds: DEFAULT_VERIFY_CONFIG, createdAt: '2026-01-01T00:00:00.000Z' };
let dbCount = 0;
const freshStore = () => createStore(`app-model-test-${++dbCount}`, 'models');
/** No pretrained model can be fetched (as when the app's origin does not serve it). */
const noPretrained = { fetch: (async () => new Response('', { status: 404 })) as typeof fetch };

beforeAll(async () => {
  await useCpuBackend();
});

describe('loadAppModel', () => {
  it('loads the stored model, without asking for the pretrained one; no tensors left', async () => {
    const store = freshStore();
    const saved = buildSiamese(SMALL);
    await saveNetwork(saved, 'current', META, { store });
    disposeNetwork(saved);
    const start = tf.memory().numTensors;
    let asked = false;
    const { model, reused } = await loadAppModel({
      key: 'current',
      baseUrl: '/',
      store,
      pretrained: noPretrained,
      pretrainedInUse: () => ((asked = true), null),
    });
    expect(model).toMatchObject({ status: 'ready', source: 'trained', error: null, note: null, meta: META });
    expect(reused).toBe(false);
    expect(asked).toBe(false);
    disposeNetwork(model.net!);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('keeps the pretrained model in use when nothing is stored', async () => {
    const net = buildSiamese(SMALL);
    const inUse = { net, meta: META, note: 'not kept' };
    const { model, reused } = await loadAppModel({
      key: 'current',
      baseUrl: '/',
      faceModel: 'koch',
      store: freshStore(),
      pretrained: noPretrained,
      pretrainedInUse: () => inUse,
    });
    expect(reused).toBe(true);
    expect(model).toEqual({ net, meta: META, status: 'ready', source: 'pretrained', error: null, note: 'not kept' });
    disposeNetwork(net);
  });

  it('says why when neither the stored nor the pretrained model loads', async () => {
    const none = await loadAppModel({ key: 'current', baseUrl: '/', store: freshStore(), pretrained: noPretrained });
    expect(none.model).toMatchObject({ net: null, status: 'none', source: null });
    expect(none.model.error).toMatch(/^The pretrained face model could not be loaded \(.+\): train a model or import one to verify\.$/);

    const store = freshStore();
    await set('current', { kind: 'something else' }, store);
    const broken = await loadAppModel({ key: 'current', baseUrl: '/', store, pretrained: noPretrained });
    expect(broken.model).toMatchObject({ net: null, status: 'error', source: null });
    expect(broken.model.error).toMatch(
      /^The stored model could not be loaded: .*not a saved network.*\. The pretrained face model could not be loaded/,
    );

    // An unreadable stored model with the pretrained one in use: it stays, and the error says why.
    const net = buildSiamese(SMALL);
    const kept = await loadAppModel({
      key: 'current',
      baseUrl: '/',
      faceModel: 'koch',
      store,
      pretrained: noPretrained,
      pretrainedInUse: () => ({ net, meta: null, note: null }),
    });
    expect(kept.reused).toBe(true);
    expect(kept.model).toMatchObject({
      net,
      status: 'ready',
      source: 'pretrained',
      error: expect.stringMatching(/^The stored model could not be loaded/),
    });
    disposeNetwork(net);
  });

  it("loads the chosen face model's pretrained network; one of the other face model in use is not kept", async () => {
    const served = servePublic('/');
    const koch = buildSiamese(SMALL);
    const start = tf.memory().numTensors;
    const { model, reused } = await loadAppModel({
      key: 'current',
      baseUrl: '/',
      faceModel: 'facerec',
      store: freshStore(),
      pretrained: { fetch: served },
      pretrainedInUse: () => ({ net: koch, meta: META, note: null }),
    });
    expect(reused).toBe(false);
    expect(model).toMatchObject({ status: 'ready', source: 'pretrained', error: null });
    expect(model.net!.config).toEqual(DEFAULT_FACEREC_CONFIG);
    expect(model.net!.model.countParams()).toBe(129);
    expect((model.meta!.training as PretrainedInfo).pretrained.source).toBe('network');
    disposeNetwork(model.net!);
    expect(tf.memory().numTensors).toBe(start);
    disposeNetwork(koch);
  });
});
