import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildHead, disposeHead, headLogits, HEAD_PATH, loadHead, shiftHeadBias } from '../../src/facerec';
import { useWasmBackend } from '../../tools/common/node-backend';
import { headFiles } from './export';

beforeAll(() => useWasmBackend());

/** A fetch that serves the given files under /app/ and 404 otherwise; records the URLs. */
function fakeFetch(files: Record<string, string | Uint8Array<ArrayBuffer>>, seen: string[]): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    seen.push(url);
    const body = files[url];
    return body === undefined ? new Response(null, { status: 404 }) : new Response(body);
  }) as typeof fetch;
}

const vec = (s: number) => Float32Array.from({ length: 128 }, (_, i) => Math.cos(s + i * 0.1) * 0.1);

describe('the exported head', () => {
  it('loads back through loadHead (same logits, projection and calibration shift), from the app only, leaving no tensors', async () => {
    for (const projection of [0, 16]) {
      const head = buildHead({ projection, seed: 4 });
      shiftHeadBias(head, 1.25);
      const { modelJson, weights } = await headFiles(head, { calibration: { biasShift: 1.25 } });
      const seen: string[] = [];
      const before = tf.memory().numTensors;
      const loaded = await loadHead('/app/', {
        projection,
        store: createStore(`export-${projection}`, 'models'),
        fetch: fakeFetch({ [`/app/${HEAD_PATH}`]: modelJson, '/app/models/face-recognition-head/weights.bin': weights }, seen),
      });
      expect(loaded).toMatchObject({ projection, biasShift: 1.25 });
      expect([...headLogits(loaded.head, [vec(1), vec(2)], [vec(3), vec(2)])]).toEqual([
        ...headLogits(head, [vec(1), vec(2)], [vec(3), vec(2)]),
      ]);
      disposeHead(loaded.head);
      expect(tf.memory().numTensors).toBe(before);
      expect(seen.every((u) => u.startsWith('/app/models/face-recognition-head/'))).toBe(true);
      disposeHead(head);
    }
  });

  it('gives typed errors for a missing, broken or foreign model', async () => {
    const head = buildHead();
    const { modelJson } = await headFiles(head, { calibration: { biasShift: 0 } });
    disposeHead(head);
    const url = `/app/${HEAD_PATH}`;
    const store = createStore('export-errors', 'models');
    const load = (files: Record<string, string>) => loadHead('/app/', { store, fetch: fakeFetch(files, []) });
    await expect(load({})).rejects.toMatchObject({ code: 'corrupt', message: /could not be fetched/ });
    await expect(load({ [url]: '{' })).rejects.toMatchObject({ code: 'corrupt', message: /not valid JSON/ });
    await expect(load({ [url]: modelJson })).rejects.toMatchObject({ code: 'corrupt', message: /could not be fetched/ });
    const bad = JSON.stringify({ ...JSON.parse(modelJson), userDefinedMetadata: { calibration: { biasShift: 'x' } } });
    await expect(load({ [url]: bad })).rejects.toMatchObject({ code: 'corrupt', message: /biasShift/ });
    const foreign = JSON.stringify({ ...JSON.parse(modelJson), weightsManifest: [{ paths: ['weights.bin'], weights: [] }] });
    await expect(load({ [url]: foreign })).rejects.toMatchObject({ code: 'wrong-architecture' });
  });
});

it('the shipped head (public/models/face-recognition-head) loads: the plain head, calibrated', async () => {
  const dir = path.join(__dirname, '../../public/models/face-recognition-head');
  const files = {
    [`/app/${HEAD_PATH}`]: readFileSync(path.join(dir, 'model.json'), 'utf8'),
    '/app/models/face-recognition-head/weights.bin': new Uint8Array(readFileSync(path.join(dir, 'weights.bin'))),
  };
  const { head, projection, biasShift } = await loadHead('/app/', {
    store: createStore('shipped', 'models'),
    fetch: fakeFetch(files, []),
  });
  expect(projection).toBe(0);
  expect(head.countParams()).toBe(129);
  expect(biasShift).toBeGreaterThan(0);
  // Two identical descriptors are the same person; very different ones are not.
  const [same, different] = headLogits(head, [vec(1), vec(1)], [vec(1), vec(40).map((v) => v * 10)]);
  expect(same).toBeGreaterThan(0);
  expect(different).toBeLessThan(0);
  disposeHead(head);
});
