import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { createStore, get, keys, set } from 'idb-keyval';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VERIFY_CONFIG } from '../config';
import {
  decodeNamedTensors,
  deleteNetwork,
  disposeNetwork,
  encodeNamedTensors,
  expectedWeightShapes,
  exportNetworkFiles,
  importNetworkFiles,
  loadNetwork,
  ModelFileError,
  saveNetwork,
  type ModelFileErrorCode,
  type ModelFiles,
  type NetworkMeta,
} from './io';
import { buildSiamese, type SiameseNetwork } from './siamese';

const CONFIG = { inputSize: 58, filters: [4, 6, 6, 8], embeddingSize: 16 } as const;
const META: NetworkMeta = {
  thresholds: { detectionThreshold: 0.6, verificationThreshold: 0.7 },
  createdAt: '2024-05-01T12:00:00.000Z',
  training: { epochs: 3, finalLoss: 0.25, history: [0.7, 0.4, 0.25] },
};

let inputs: [tf.Tensor, tf.Tensor];
beforeAll(async () => {
  await tf.setBackend('cpu');
  inputs = [tf.randomUniform([2, 58, 58, 3], 0, 1, 'float32', 5), tf.randomUniform([2, 58, 58, 3], 0, 1, 'float32', 6)];
});

function predict(net: SiameseNetwork): Float32Array {
  return tf.tidy(() => (net.model.predict(inputs) as tf.Tensor).dataSync() as Float32Array);
}

/** A fresh database per test, so tests do not see each other's keys. */
let dbCount = 0;
const freshStore = () => createStore(`io-test-${++dbCount}`, 'models');

async function expectCode(p: Promise<unknown>, code: ModelFileErrorCode, message?: RegExp): Promise<ModelFileError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ModelFileError);
  const err = e as ModelFileError;
  expect(err.code, err.message).toBe(code);
  if (message) expect(err.message).toMatch(message);
  return err;
}

describe('expectedWeightShapes', () => {
  it("equals buildSiamese's weights, in order, for both pooling variants", () => {
    for (const pool of ['paper', 'notebook'] as const) {
      const net = buildSiamese({ ...CONFIG, pool });
      // tf.js suffixes variable names (_1, _2…) when several models share a process; files do not.
      const got = net.model.weights.map((w) => ({ name: w.name.replace(/_\d+$/, ''), shape: w.shape }));
      expect(got).toEqual(expectedWeightShapes(net.config));
      disposeNetwork(net);
    }
  });
});

describe('saveNetwork / loadNetwork', () => {
  it('round-trips weights, config and metadata in chunks, and predicts the same values', async () => {
    const store = freshStore();
    const net = buildSiamese(CONFIG);
    const expected = predict(net);
    const before = tf.memory().numTensors;
    await saveNetwork(net, 'current', META, { store, chunkBytes: 4096 });
    expect(tf.memory().numTensors).toBe(before);

    const allKeys = (await keys(store)).map(String);
    const chunks = allKeys.filter((k) => /#\d+$/.test(k));
    const weightBytes = net.model.countParams() * 4;
    expect(chunks.length).toBe(Math.ceil(weightBytes / 4096));
    for (const k of chunks) expect(((await get(k, store)) as ArrayBuffer).byteLength).toBeLessThanOrEqual(4096);

    const loaded = await loadNetwork('current', { store });
    expect(loaded).toBeDefined();
    expect(loaded!.net.config).toEqual(net.config);
    expect(loaded!.meta).toEqual(META);
    expect(predict(loaded!.net)).toEqual(expected);
    expect(loaded!.net.embedding.outputs[0]!.shape).toEqual([null, 16]);

    disposeNetwork(loaded!.net);
    disposeNetwork(net);
    expect(tf.memory().numTensors).toBe(before - net.model.weights.length);
  });

  it('replaces a previous save without leaving its weights behind, and deletes', async () => {
    const store = freshStore();
    const a = buildSiamese(CONFIG);
    const b = buildSiamese(CONFIG);
    await saveNetwork(a, 'm', META, { store, chunkBytes: 8192 });
    const count = (await keys(store)).length;
    await saveNetwork(b, 'm', { ...META, training: undefined }, { store, chunkBytes: 8192 });
    expect((await keys(store)).length).toBe(count);
    const loaded = (await loadNetwork('m', { store }))!;
    expect(predict(loaded.net)).toEqual(predict(b));
    expect(loaded.meta.training).toBeUndefined();
    await deleteNetwork('m', { store });
    expect(await keys(store)).toEqual([]);
    expect(await loadNetwork('m', { store })).toBeUndefined();
    [a, b, loaded.net].forEach(disposeNetwork);
  });

  it('rejects bad thresholds before writing anything', async () => {
    const store = freshStore();
    const net = buildSiamese(CONFIG);
    await expect(
      saveNetwork(net, 'm', { ...META, thresholds: { ...DEFAULT_VERIFY_CONFIG, detectionThreshold: 2 } }, { store }),
    ).rejects.toThrow(/detectionThreshold/);
    expect(await keys(store)).toEqual([]);
    disposeNetwork(net);
  });

  it('reports damaged records as ModelFileError without leaking tensors', async () => {
    const store = freshStore();
    const net = buildSiamese(CONFIG);
    await saveNetwork(net, 'm', META, { store, chunkBytes: 4096 });
    const before = tf.memory().numTensors;
    const record = (await get('m', store)) as Record<string, unknown>;

    await set('x', { hello: 1 }, store);
    await expectCode(loadNetwork('x', { store }), 'not-a-model');

    await set('m2', { ...record, config: { ...CONFIG, filters: [4, 6, 6, 9] } }, store);
    await expectCode(loadNetwork('m2', { store }), 'wrong-architecture', /conv4\/kernel is \[4, 4, 6, 8\], expected \[4, 4, 6, 9\]/);

    await set('m3', { ...record, config: { ...CONFIG, inputSize: 12 } }, store);
    await expectCode(loadNetwork('m3', { store }), 'wrong-architecture', /inputSize/);

    await set('m4', { ...record, meta: { ...META, createdAt: 'yesterday' } }, store);
    await expectCode(loadNetwork('m4', { store }), 'corrupt', /createdAt/);

    const firstChunk = `${String(record.weightsKey)}#0`;
    await set(firstChunk, new ArrayBuffer(10), store);
    await expectCode(loadNetwork('m', { store }), 'corrupt', /weights are missing or incomplete/);

    expect(tf.memory().numTensors).toBe(before);
    disposeNetwork(net);
  });
});

describe('exportNetworkFiles / importNetworkFiles', () => {
  it('round-trips through tf.js files and predicts the same values', async () => {
    const net = buildSiamese(CONFIG);
    const files = await exportNetworkFiles(net, META);
    expect(Object.keys(files).sort()).toEqual(['model.json', 'siamese-face-id.json', 'weights.bin']);
    const modelJson = JSON.parse(await files['model.json'].text()) as tf.io.ModelJSON;
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    expect(files['weights.bin'].size).toBe(net.model.countParams() * 4);
    const metaJson = JSON.parse(await files['siamese-face-id.json'].text()) as Record<string, unknown>;
    expect(metaJson).toMatchObject({ app: 'siamese-face-id', formatVersion: 1, config: net.config, thresholds: META.thresholds });

    const before = tf.memory().numTensors;
    const loaded = await importNetworkFiles(files);
    expect(loaded.meta).toEqual(META);
    // Exported without people, like files from before people: read as the default person's.
    expect(metaJson).not.toHaveProperty('people');
    expect(loaded.people).toEqual([{ id: 'me', name: 'Me' }]);
    expect(predict(loaded.net)).toEqual(predict(net));
    disposeNetwork(loaded.net);
    expect(tf.memory().numTensors).toBe(before);

    // As picked in a file dialog, with the names a browser gives repeated downloads.
    const picked = [
      new File([files['weights.bin']], 'weights (1).bin'),
      new File([files['siamese-face-id.json']], 'siamese-face-id (1).json'),
      new File([files['model.json']], 'model (1).json'),
    ];
    const again = await importNetworkFiles(picked);
    expect(predict(again.net)).toEqual(predict(net));
    disposeNetwork(again.net);
    disposeNetwork(net);
  });

  it('records the people (ids and names only) and reads them back', async () => {
    const net = buildSiamese(CONFIG);
    const people = [
      { id: 'me', name: 'Me', thresholds: { verificationThreshold: 0.9 } },
      { id: 'p-abc123', name: 'Ann' },
    ];
    const files = await exportNetworkFiles(net, META, people);
    const metaJson = JSON.parse(await files['siamese-face-id.json'].text()) as Record<string, unknown>;
    expect(metaJson).toMatchObject({ app: 'siamese-face-id', formatVersion: 1, thresholds: META.thresholds });
    expect(metaJson.people).toEqual([
      { id: 'me', name: 'Me' },
      { id: 'p-abc123', name: 'Ann' },
    ]);
    const loaded = await importNetworkFiles(files);
    expect(loaded.people).toEqual(metaJson.people);
    expect(loaded.meta).toEqual(META);
    expect(predict(loaded.net)).toEqual(predict(net));
    disposeNetwork(loaded.net);

    // A file written before people: the same metadata without the field.
    const { people: _, ...older } = metaJson;
    const legacy = await importNetworkFiles({ ...files, 'siamese-face-id.json': new Blob([JSON.stringify(older)]) });
    expect(legacy.people).toEqual([{ id: 'me', name: 'Me' }]);
    expect(legacy.meta).toEqual(META);
    disposeNetwork(legacy.net);

    // Invalid people are refused before anything is serialised.
    const before = tf.memory().numTensors;
    await expect(exportNetworkFiles(net, META, [])).rejects.toThrow(/at least one person/);
    await expect(exportNetworkFiles(net, META, [{ id: 'me', name: ' ' }])).rejects.toThrow(/name of 0 characters/);
    expect(tf.memory().numTensors).toBe(before);
    disposeNetwork(net);
  });

  it('rejects garbage, non-models, missing files, other architectures and truncated weights', async () => {
    const net = buildSiamese(CONFIG);
    const files = await exportNetworkFiles(net, META);
    const other = buildSiamese({ ...CONFIG, embeddingSize: 32 });
    const otherFiles = await exportNetworkFiles(other, META);
    [net, other].forEach(disposeNetwork);
    const before = tf.memory().numTensors;
    const json = (v: unknown) => new Blob([JSON.stringify(v)]);
    const withFile = (name: keyof ModelFiles, blob: Blob) => ({ ...files, [name]: blob });

    await expectCode(
      importNetworkFiles(withFile('model.json', new Blob(['{"modelTopology": ']))),
      'corrupt',
      /model\.json is not valid JSON/,
    );
    await expectCode(importNetworkFiles(withFile('model.json', json({ hello: 'world' }))), 'not-a-model', /model\.json/);
    await expectCode(importNetworkFiles({ 'notes.json': json([1, 2]), 'photo.jpg': new Blob([new Uint8Array(10)]) }), 'not-a-model');
    await expectCode(
      importNetworkFiles({ 'model.json': files['model.json'], 'weights.bin': files['weights.bin'] }),
      'not-a-model',
      /siamese-face-id\.json is missing/,
    );
    await expectCode(
      importNetworkFiles({ 'model.json': files['model.json'], 'siamese-face-id.json': files['siamese-face-id.json'] }),
      'not-a-model',
      /weights\.bin is missing/,
    );
    // Our metadata with another network's topology and weights.
    await expectCode(
      importNetworkFiles({ ...otherFiles, 'siamese-face-id.json': files['siamese-face-id.json'] }),
      'wrong-architecture',
      /dense_embedding\/kernel/,
    );
    const truncated = files['weights.bin'].slice(0, files['weights.bin'].size - 100);
    await expectCode(importNetworkFiles(withFile('weights.bin', truncated)), 'corrupt', /weights\.bin|weight data is [\d,]+ bytes/);
    const badTopology = JSON.parse(await files['model.json'].text()) as Record<string, unknown>;
    badTopology.modelTopology = { class_name: 'Nonsense', config: {} };
    await expectCode(importNetworkFiles(withFile('model.json', json(badTopology))), 'corrupt', /could not be rebuilt/);
    const newer = { ...(JSON.parse(await files['siamese-face-id.json'].text()) as object), formatVersion: 99 };
    await expectCode(importNetworkFiles(withFile('siamese-face-id.json', json(newer))), 'not-a-model', /format version 99/);
    const metaJson = JSON.parse(await files['siamese-face-id.json'].text()) as object;
    for (const [people, message] of [
      [[], /siamese-face-id\.json: people \[\] is not a list of at least one person/],
      ['Ann', /not a list/],
      [[{ id: 'me' }], /person 1 of people .* is not \{ id, name \}/],
      [
        [
          { id: 'me', name: 'Me' },
          { id: 'me', name: 'Ann' },
        ],
        /the id "me" twice/,
      ],
    ] as const) {
      await expectCode(importNetworkFiles(withFile('siamese-face-id.json', json({ ...metaJson, people }))), 'corrupt', message);
    }

    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the face-recognition network in the store and in files', () => {
  const descriptors = () => [tf.randomNormal([3, 128], 0, 0.1, 'float32', 7), tf.randomNormal([3, 128], 0, 0.1, 'float32', 8)];
  const scores = (net: SiameseNetwork) => {
    const [a, b] = descriptors();
    const p = net.model.predict([a!, b!]) as tf.Tensor;
    const out = Array.from(p.dataSync());
    tf.dispose([a!, b!, p]);
    return out;
  };

  it('saves, loads, exports and imports it with its face model recorded; no tensors left', async () => {
    const net = buildSiamese({ faceModel: 'facerec' });
    const before = tf.memory().numTensors;
    const store = createStore('io-facerec', 'models');
    await saveNetwork(net, 'current', META, { store });
    const loaded = (await loadNetwork('current', { store }))!;
    expect(loaded.net.config).toEqual({ faceModel: 'facerec', descriptorSize: 128, projection: 0 });
    expect(scores(loaded.net)).toEqual(scores(net));
    disposeNetwork(loaded.net);

    const files = await exportNetworkFiles(net, META);
    const meta = JSON.parse(await files['siamese-face-id.json'].text()) as { config: unknown };
    expect(meta.config).toEqual({ faceModel: 'facerec', descriptorSize: 128, projection: 0 });
    expect(files['weights.bin'].size).toBe(129 * 4);
    const imported = await importNetworkFiles(files);
    expect(imported.net.config.faceModel).toBe('facerec');
    expect(scores(imported.net)).toEqual(scores(net));
    disposeNetwork(imported.net);
    expect(tf.memory().numTensors).toBe(before);
    disposeNetwork(net);
  });

  it('refuses a head whose metadata names the other face model, and an unknown face model', async () => {
    const net = buildSiamese({ faceModel: 'facerec' });
    const files = await exportNetworkFiles(net, META);
    disposeNetwork(net);
    const before = tf.memory().numTensors;
    const meta = JSON.parse(await files['siamese-face-id.json'].text()) as Record<string, unknown>;
    const json = (v: unknown) => new Blob([JSON.stringify(v)]);
    await expectCode(
      importNetworkFiles({ ...files, 'siamese-face-id.json': json({ ...meta, config: CONFIG }) }),
      'wrong-architecture',
      /conv1\/kernel is missing/,
    );
    await expectCode(
      importNetworkFiles({ ...files, 'siamese-face-id.json': json({ ...meta, config: { faceModel: 'arcface' } }) }),
      'wrong-architecture',
      /faceModel/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('encodeNamedTensors / decodeNamedTensors', () => {
  it('round-trips names, dtypes, shapes and values, and rejects truncated data', async () => {
    const tensors = [
      { name: 'iter', tensor: tf.scalar(7, 'int32') },
      { name: 'dense/kernel/m', tensor: tf.randomNormal([3, 4], 0, 1, 'float32', 9) },
    ];
    const before = tf.memory().numTensors;
    const encoded = await encodeNamedTensors(tensors);
    expect(encoded.data.byteLength).toBe(4 + 12 * 4);
    const decoded = decodeNamedTensors(encoded);
    expect(decoded.map((d) => [d.name, d.tensor.dtype, d.tensor.shape])).toEqual([
      ['iter', 'int32', []],
      ['dense/kernel/m', 'float32', [3, 4]],
    ]);
    decoded.forEach((d, i) => expect(d.tensor.dataSync()).toEqual(tensors[i]!.tensor.dataSync()));
    tf.dispose(decoded.map((d) => d.tensor));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => decodeNamedTensors({ specs: encoded.specs, data: encoded.data.slice(0, 20) })).toThrow(ModelFileError);
    tf.dispose(tensors.map((t) => t.tensor));
  });
});
