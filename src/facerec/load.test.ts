import 'fake-indexeddb/auto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createStore } from 'idb-keyval';
import { afterAll, beforeAll, describe as suite, expect, it } from 'vitest';
import { useWasmBackend } from '../../tools/common/node-backend';
import { BACKBONE_DIR, BACKBONE_MANIFEST, deleteBackboneCache, loadBackbone } from './index';

const PUBLIC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public');
const MANIFEST = `/${BACKBONE_DIR}${BACKBONE_MANIFEST}`;
const BIN = `/${BACKBONE_DIR}face_recognition_model.bin`;

/** Serves public/ as the app's origin does; `override` replaces a file (null: 404). */
const requests: string[] = [];
const override = new Map<string, Uint8Array | string | null>();
const server = createServer((req, res) => {
  const p = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  requests.push(p);
  const body = override.get(p);
  if (body === null) return void res.writeHead(404).end();
  if (body !== undefined) return void res.end(body);
  readFile(path.join(PUBLIC, p)).then(
    (b) => res.end(b),
    () => res.writeHead(404).end(),
  );
});
let base = '';
const bins = () => requests.filter((p) => p === BIN).length;

beforeAll(async () => {
  await useWasmBackend();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A few numbers that tell weights apart. */
const fingerprint = (m: tf.LayersModel) =>
  tf.tidy(() =>
    m
      .getWeights()
      .slice(0, 6)
      .map((w) => tf.sum(w).dataSync()[0]!),
  );

suite('loadBackbone', () => {
  it('fetches the weights once from the app, then loads them from IndexedDB (in chunks); no tensors left', async () => {
    const store = createStore('test-facerec-1', 'models');
    const before = tf.memory().numTensors;
    const n = bins();
    const first = await loadBackbone(base, { store, chunkBytes: 1 << 20 });
    expect(first).toMatchObject({ source: 'network', notCached: null, bytes: 6444032 });
    expect(bins() - n).toBe(1);
    const second = await loadBackbone(base, { store, chunkBytes: 1 << 20 });
    expect(second).toMatchObject({ source: 'cache', version: first.version, notCached: null });
    expect(bins() - n).toBe(1);
    expect(fingerprint(second.model)).toEqual(fingerprint(first.model));
    first.model.dispose();
    second.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await deleteBackboneCache({ store });
    expect((await loadBackbone(base, { store })).source).toBe('network');
  });

  it('fetches again when the manifest changes (a new version of the weights)', async () => {
    const store = createStore('test-facerec-2', 'models');
    const a = await loadBackbone(base, { store });
    const text = await readFile(path.join(PUBLIC, MANIFEST), 'utf8');
    override.set(MANIFEST, text.replace(/\s+/g, ''));
    try {
      const b = await loadBackbone(base, { store });
      expect(b.source).toBe('network');
      expect(b.version).not.toBe(a.version);
      b.model.dispose();
    } finally {
      override.delete(MANIFEST);
      a.model.dispose();
    }
  });

  it('gives a typed error for missing or corrupt files, and caches nothing', async () => {
    const store = createStore('test-facerec-3', 'models');
    const before = tf.memory().numTensors;
    override.set(BIN, null);
    await expect(loadBackbone(base, { store })).rejects.toMatchObject({ name: 'FaceRecError', code: 'fetch-failed' });
    override.set(BIN, new Uint8Array(1000));
    await expect(loadBackbone(base, { store })).rejects.toMatchObject({ code: 'corrupt' });
    override.delete(BIN);
    override.set(MANIFEST, '{ not json');
    await expect(loadBackbone(base, { store })).rejects.toMatchObject({ code: 'not-a-manifest' });
    override.set(
      MANIFEST,
      JSON.stringify([{ paths: ['face_recognition_model.bin'], weights: [{ name: 'fc', shape: [256, 128], dtype: 'float32' }] }]),
    );
    await expect(loadBackbone(base, { store })).rejects.toMatchObject({ code: 'corrupt' });
    override.delete(MANIFEST);
    expect(tf.memory().numTensors).toBe(before);
    expect(requests.every((p) => p.startsWith('/models/face-recognition/'))).toBe(true);
  });
});
