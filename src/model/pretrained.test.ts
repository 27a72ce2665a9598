import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_PARAMS } from '../config';
import { disposeNetwork, hasPretrainedWeights, loadStartingNetwork, useWasmBackend } from './index';

const PUBLIC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public');

/** Serves public/ over HTTP, as the app's own origin does, so tf.loadLayersModel runs unchanged. */
const server = createServer((req, res) => {
  readFile(path.join(PUBLIC, decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname))).then(
    (body) => res.end(body),
    () => res.writeHead(404).end(),
  );
});
let base = '';

beforeAll(async () => {
  await useWasmBackend();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the bundled pretrained model', () => {
  it('starts the reference config from the pretrained weights (38,964,545 parameters, uint8-dequantized)', async () => {
    const before = tf.memory().numTensors;
    const net = await loadStartingNetwork(base, validateRef());
    expect(net.model.countParams()).toBe(REFERENCE_PARAMS.total);
    const bias = net.classifier.getWeights()[1]!.dataSync()[0]!;
    expect(Number.isFinite(bias) && bias !== 0).toBe(true); // a fresh Dense bias would be exactly 0
    disposeNetwork(net);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('builds from scratch for other configs and when asked to', async () => {
    expect(hasPretrainedWeights({ ...validateRef(), pool: 'notebook' })).toBe(false);
    const small = await loadStartingNetwork(base, { ...validateRef(), inputSize: 64, filters: [4, 8, 8, 8], embeddingSize: 16 });
    expect(small.model.countParams()).toBeLessThan(1_000_000);
    disposeNetwork(small);
    const scratch = await loadStartingNetwork('http://127.0.0.1:9/unreachable/', validateRef(), true);
    expect(scratch.classifier.getWeights()[1]!.dataSync()[0]).toBe(0);
    disposeNetwork(scratch);
  });
});

function validateRef() {
  return { inputSize: 100, filters: [64, 128, 128, 256], kernels: [10, 7, 4, 4], embeddingSize: 4096, pool: 'paper' } as const;
}
