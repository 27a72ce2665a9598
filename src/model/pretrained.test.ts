import 'fake-indexeddb/auto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createStore, del, keys, type UseStore } from 'idb-keyval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_PARAMS } from '../config';
import {
  disposeNetwork,
  hasPretrainedWeights,
  loadPretrained,
  loadStartingNetwork,
  ModelFileError,
  PRETRAINED_KEY,
  versionOf,
  type SiameseNetwork,
} from './index';
import { useWasmBackend } from '../../tools/common/node-backend';

const PUBLIC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public');
const MODEL_JSON = '/models/pretrained/model.json';

/**
 * Serves public/ over HTTP, as the app's own origin does, and counts the requests per path.
 * `override` replaces a file's content (a "new app version").
 */
const requests: string[] = [];
const override = new Map<string, string>();
const server = createServer((req, res) => {
  const p = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  requests.push(p);
  // No keep-alive: a socket reused after the server's idle timeout fails the next fetch.
  res.setHeader('Connection', 'close');
  const body = override.get(p);
  if (body !== undefined) return void res.end(body);
  readFile(path.join(PUBLIC, p)).then(
    (b) => res.end(b),
    () => res.writeHead(404).end(),
  );
});
let base = '';
const binRequests = () => requests.filter((p) => p.endsWith('.bin')).length;

beforeAll(async () => {
  await useWasmBackend();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const REF = { inputSize: 100, filters: [64, 128, 128, 256], kernels: [10, 7, 4, 4], embeddingSize: 4096, pool: 'paper' } as const;
const CHUNK = 8 * 1024 * 1024; // 39 MB of weights → 5 chunks

/** A few numbers that tell two networks' weights apart: the head's bias and sums of conv1 and the Dense kernel. */
function fingerprint(net: SiameseNetwork): number[] {
  return tf.tidy(() => {
    const w = net.model.getWeights();
    return [net.classifier.getWeights()[1]!.dataSync()[0]!, tf.sum(w[0]!).dataSync()[0]!, tf.sum(w[8]!).dataSync()[0]!];
  });
}

describe('the bundled pretrained model', () => {
  it('is fetched once, then loaded from IndexedDB (uint8, in chunks) with the same weights; no tensors left', async () => {
    const store = createStore('test-pretrained-1', 'models');
    const before = tf.memory().numTensors;
    const bins = binRequests();
    const first = await loadPretrained(base, REF, { store, chunkBytes: CHUNK });
    expect(first).toMatchObject({ source: 'network', notCached: null, bytes: REFERENCE_PARAMS.total });
    expect(binRequests() - bins).toBe(3);
    expect(first.net.model.countParams()).toBe(REFERENCE_PARAMS.total);
    const a = fingerprint(first.net);
    expect(Number.isFinite(a[0]) && a[0] !== 0).toBe(true); // a fresh Dense bias would be exactly 0
    // Stored as the quantized bytes: the record plus the 5 chunks and their manifest.
    expect((await keys(store)).map(String).sort()).toEqual(
      [
        PRETRAINED_KEY,
        `${PRETRAINED_KEY}/weights/${first.version}`,
        ...[0, 1, 2, 3, 4].map((i) => `${PRETRAINED_KEY}/weights/${first.version}#${i}`),
      ].sort(),
    );

    const second = await loadPretrained(base, REF, { store, chunkBytes: CHUNK });
    expect(second).toMatchObject({ source: 'cache', version: first.version, notCached: null });
    expect(binRequests() - bins).toBe(3); // no weight request the second time
    expect(fingerprint(second.net)).toEqual(a);
    disposeNetwork(first.net);
    disposeNetwork(second.net);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('replaces the stored weights when model.json changes (a new app version), and refetches an incomplete copy', async () => {
    const store = createStore('test-pretrained-2', 'models');
    const v1 = await loadPretrained(base, REF, { store, chunkBytes: CHUNK });
    const bias1 = fingerprint(v1.net)[0]!;
    disposeNetwork(v1.net);

    // A calibrated head bias: only model.json's quantization of classifier/bias changes.
    const json = JSON.parse(await readFile(path.join(PUBLIC, MODEL_JSON), 'utf8')) as {
      weightsManifest: Array<{ weights: Array<{ name: string; quantization: { min: number } }> }>;
    };
    const spec = json.weightsManifest.flatMap((g) => g.weights).find((w) => w.name === 'classifier/bias')!;
    spec.quantization.min += 1.5;
    const text = JSON.stringify(json);
    override.set(MODEL_JSON, text);
    try {
      const bins = binRequests();
      const v2 = await loadPretrained(base, REF, { store, chunkBytes: CHUNK });
      expect(v2).toMatchObject({ source: 'network', version: versionOf(text) });
      expect(v2.version).not.toBe(v1.version);
      expect(binRequests() - bins).toBe(3);
      expect(fingerprint(v2.net)[0]).toBeCloseTo(bias1 + 1.5, 5);
      disposeNetwork(v2.net);
      const stored = (await keys(store)).map(String);
      expect(stored.some((k) => k.includes(v1.version))).toBe(false); // the old version is gone
      expect(stored.filter((k) => k.includes(v2.version))).toHaveLength(6);

      // A chunk lost (e.g. the browser evicted part of the data): fetched and stored again.
      await del(`${PRETRAINED_KEY}/weights/${v2.version}#2`, store);
      const again = await loadPretrained(base, REF, { store, chunkBytes: CHUNK });
      expect(again.source).toBe('network');
      disposeNetwork(again.net);
      const cached = await loadPretrained(base, REF, { store, chunkBytes: CHUNK });
      expect(cached.source).toBe('cache');
      disposeNetwork(cached.net);
    } finally {
      override.delete(MODEL_JSON);
    }
  });

  it('storage full: the network comes from the origin, and the result says it is not kept', async () => {
    const real = createStore('test-pretrained-3', 'models');
    const full: UseStore = (mode, callback) =>
      mode === 'readwrite' ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : real(mode, callback);
    const r = await loadPretrained(base, REF, { store: full, chunkBytes: CHUNK });
    expect(r.source).toBe('network');
    expect(r.notCached).toMatch(/storage is full/);
    expect(r.net.model.countParams()).toBe(REFERENCE_PARAMS.total);
    disposeNetwork(r.net);
    expect(await keys(real)).toEqual([]);
  });

  it('refuses other architectures before fetching weights, and says when the model cannot be fetched', async () => {
    const bins = binRequests();
    await expect(loadPretrained(base, { ...REF, pool: 'notebook' })).rejects.toMatchObject({ code: 'wrong-architecture' });
    expect(binRequests()).toBe(bins);
    const err = await loadPretrained('http://127.0.0.1:9/unreachable/', REF).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).toContain('http://127.0.0.1:9/unreachable/models/pretrained/model.json');
  });

  it('starts training from the pretrained weights for the reference config, from scratch otherwise or when asked', async () => {
    const store = createStore('test-pretrained-4', 'models');
    const before = tf.memory().numTensors;
    const pre = await loadStartingNetwork(base, REF, false, { store });
    const calibrated = await loadPretrained(base, REF, { store });
    // Fine-tuning starts from the bias as trained: the calibrated one minus the recorded shift.
    expect(calibrated.biasShift).toBeGreaterThan(1);
    const startBias = pre.classifier.getWeights()[1]!.dataSync()[0]!;
    expect(startBias).not.toBe(0);
    expect(startBias).toBeCloseTo(calibrated.net.classifier.getWeights()[1]!.dataSync()[0]! - calibrated.biasShift, 4);
    // Everything else is the same pretrained network.
    expect(pre.classifier.getWeights()[0]!.dataSync().slice(0, 8)).toEqual(
      calibrated.net.classifier.getWeights()[0]!.dataSync().slice(0, 8),
    );
    disposeNetwork(pre);
    disposeNetwork(calibrated.net);
    expect(hasPretrainedWeights({ ...REF, pool: 'notebook' })).toBe(false);
    const small = await loadStartingNetwork(base, { ...REF, inputSize: 64, filters: [4, 8, 8, 8], embeddingSize: 16 });
    expect(small.model.countParams()).toBeLessThan(1_000_000);
    disposeNetwork(small);
    const scratch = await loadStartingNetwork('http://127.0.0.1:9/unreachable/', REF, true);
    expect(scratch.classifier.getWeights()[1]!.dataSync()[0]).toBe(0);
    disposeNetwork(scratch);
    expect(tf.memory().numTensors).toBe(before);
  });
});
