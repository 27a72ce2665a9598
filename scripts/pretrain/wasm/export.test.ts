import 'fake-indexeddb/auto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createStore } from 'idb-keyval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_PARAMS } from '../../../src/config';
import { buildSiamese, disposeNetwork, loadPretrained, PRETRAINED_PATH, type SiameseNetwork } from '../../../src/model';
import { useWasmBackend } from '../../../tools/common/node-backend';
import { seedWeights } from '../../../tools/common';
import { loadPairsNetwork } from '../../../tools/lfw';
import { exportNetwork, quantizeUint8 } from './export';

let dir = '';
beforeAll(async () => {
  await useWasmBackend();
  dir = await mkdtemp(path.join(os.tmpdir(), 'pretrain-export-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const SMALL = { inputSize: 58, filters: [2, 4, 4, 4] as [number, number, number, number], embeddingSize: 8 };

function predict(net: SiameseNetwork, x1: tf.Tensor4D, x2: tf.Tensor4D): Float32Array {
  return tf.tidy(() => (net.model.predict([x1, x2]) as tf.Tensor).dataSync() as Float32Array);
}

describe('quantizeUint8', () => {
  it('reads back within half a step, and a constant tensor exactly', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 0.3 - 0.05);
    const q = quantizeUint8(values);
    expect(q.min).toBeCloseTo(Math.min(...values), 6);
    expect(q.scale).toBeCloseTo((Math.max(...values) - Math.min(...values)) / 255, 8);
    values.forEach((v, i) => expect(Math.abs(q.bytes[i]! * q.scale + q.min - v)).toBeLessThanOrEqual(q.scale / 2 + 1e-7));
    const zero = quantizeUint8(new Float32Array(5).fill(0.25));
    expect([...zero.bytes].map((b) => b * zero.scale + zero.min)).toEqual([0.25, 0.25, 0.25, 0.25, 0.25]);
  });
});

describe('exportNetwork', () => {
  it('writes a float32 export that loads back with identical predictions, and leaves no tensors', async () => {
    const net = buildSiamese(SMALL);
    seedWeights(net, 3);
    const before = tf.memory().numTensors;
    const out = path.join(dir, 'small-f32');
    const r = await exportNetwork(net, out, { dtype: 'float32', shards: 2, metadata: { note: 'test' } });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.files).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
    expect(r.weightBytes).toBe(4 * net.model.countParams());
    expect(JSON.parse(await readFile(path.join(out, 'model.json'), 'utf8')).userDefinedMetadata).toEqual({ note: 'test' });
    const back = await loadPairsNetwork(out);
    const [x1, x2] = [
      tf.randomUniform([3, 58, 58, 3], 0, 1, 'float32', 1) as tf.Tensor4D,
      tf.randomUniform([3, 58, 58, 3], 0, 1, 'float32', 2) as tf.Tensor4D,
    ];
    expect(predict(back, x1, x2)).toEqual(predict(net, x1, x2));
    tf.dispose([x1, x2]);
    disposeNetwork(back);
    disposeNetwork(net);
  });

  it("writes the reference network uint8-quantized in the shipped layout, which the app's loader accepts", async () => {
    const net = buildSiamese();
    seedWeights(net, 5);
    const out = path.join(dir, 'reference-u8');
    const r = await exportNetwork(net, path.join(out, path.dirname(PRETRAINED_PATH)));
    expect(r.weightBytes).toBe(REFERENCE_PARAMS.total); // one byte a weight
    expect(r.maxQuantizationError).toBeGreaterThan(0);
    expect(r.maxQuantizationError).toBeLessThan(0.01);
    const fetchFile = async (input: RequestInfo | URL) => {
      const url = String(input);
      return new Response(await readFile(path.join(out, url.slice('http://app.test/'.length))));
    };
    const loaded = await loadPretrained('http://app.test/', undefined, { fetch: fetchFile, store: createStore('export-test', 'models') });
    expect(loaded).toMatchObject({ source: 'network', biasShift: 0, bytes: REFERENCE_PARAMS.total });
    expect(loaded.net.model.countParams()).toBe(REFERENCE_PARAMS.total);
    const [x1, x2] = [
      tf.randomUniform([2, 100, 100, 3], 0, 1, 'float32', 3) as tf.Tensor4D,
      tf.randomUniform([2, 100, 100, 3], 0, 1, 'float32', 4) as tf.Tensor4D,
    ];
    const [a, b] = [predict(net, x1, x2), predict(loaded.net, x1, x2)];
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(0.02));
    tf.dispose([x1, x2]);
    disposeNetwork(loaded.net);
    disposeNetwork(net);
  });
});
