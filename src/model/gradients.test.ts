import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  conv2dFilterGrad,
  conv2dInputGrad,
  isConv2DGradSupported,
  matMulForm,
  maxPoolInputGrad,
  registerTrainableGradients,
} from './gradients';
import { disposeNetwork } from './io';
import { buildSiamese } from './siamese';
import { useCpuBackend, useWasmBackend } from '../../tools/common/node-backend';

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** max |a − b| / max |b|: the error relative to the reference's scale. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const scale = maxAbs(b);
  expect(scale).toBeGreaterThan(0);
  return maxAbsDiff(a, b) / scale;
}

type Pad = 'valid' | 'same';
interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  cOut: number;
  pad: Pad;
}

const CASES: ConvCase[] = [
  { x: [1, 6, 6, 1], k: [3, 3], cOut: 1, pad: 'valid' },
  { x: [2, 9, 7, 3], k: [4, 3], cOut: 5, pad: 'valid' },
  { x: [3, 8, 8, 4], k: [4, 4], cOut: 2, pad: 'same' },
  { x: [2, 7, 9, 2], k: [3, 2], cOut: 3, pad: 'same' },
  { x: [4, 20, 20, 3], k: [10, 10], cOut: 6, pad: 'valid' },
];

function stockGrads(c: ConvCase, seed: number): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const { x, w, dy } = tensorsFor(c, seed);
    const common = { strides: 1, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    const attrs = (extra: object) => ({ ...common, ...extra }) as unknown as tf.NamedAttrMap;
    const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, attrs({ inputShape: x.shape })) as tf.Tensor;
    const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs({ filterShape: w.shape })) as tf.Tensor;
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

/** Seeded inputs; the seed must not be 0 (tf.js treats 0 as 'unseeded'). */
function tensorsFor(c: ConvCase, seed: number) {
  const w = tf.randomNormal([c.k[0], c.k[1], c.x[3], c.cOut], 0, 1, 'float32', seed) as tf.Tensor4D;
  const x = tf.randomNormal(c.x, 0, 1, 'float32', seed + 1) as tf.Tensor4D;
  const yShape = tf.conv2d(x, w, 1, c.pad).shape;
  const dy = tf.randomNormal(yShape, 0, 1, 'float32', seed + 2) as tf.Tensor4D;
  return { x, w, dy };
}

function ownGrads(c: ConvCase, seed: number): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const { x, w, dy } = tensorsFor(c, seed);
    const attrs = { strides: 1, pad: c.pad, dataFormat: 'NHWC', dilations: 1 } as const;
    return {
      dx: conv2dInputGrad(x.shape, dy, w, attrs).dataSync() as Float32Array,
      dw: conv2dFilterGrad(x, dy, w.shape, attrs).dataSync() as Float32Array,
    };
  });
}

/** Gradients of sum(conv2d(x, w) · r) through tf.grads, i.e. through the registered gradient. */
function registeredGrads(c: ConvCase, seed: number): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const { x, w, dy } = tensorsFor(c, seed);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, c.pad), dy)))([
      x,
      w,
    ]);
    return { dx: dx!.dataSync() as Float32Array, dw: dw!.dataSync() as Float32Array };
  });
}

afterAll(async () => {
  await useCpuBackend();
});

describe('Conv2D gradients as convolutions', () => {
  it('match the stock cpu kernels (valid/same, batch and channels > 1, even kernels)', async () => {
    await useCpuBackend();
    CASES.forEach((c, i) => {
      const ref = stockGrads(c, 10 * i + 1);
      const own = ownGrads(c, 10 * i + 1);
      expect(relErr(own.dx, ref.dx), `dx case ${i}`).toBeLessThan(1e-6);
      expect(relErr(own.dw, ref.dw), `dw case ${i}`).toBeLessThan(1e-6);
    });
  });

  it('on wasm, through tf.grads, match the cpu stock gradients', async () => {
    await useCpuBackend();
    const refs = CASES.map((c, i) => stockGrads(c, 10 * i + 1));
    await useWasmBackend();
    const before = tf.memory().numTensors;
    CASES.forEach((c, i) => {
      const got = registeredGrads(c, 10 * i + 1);
      expect(relErr(got.dx, refs[i]!.dx), `dx case ${i}`).toBeLessThan(1e-5);
      expect(relErr(got.dw, refs[i]!.dw), `dw case ${i}`).toBeLessThan(1e-5);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leave the stock gradients in charge on cpu and for strides/dilations they do not cover', async () => {
    await useCpuBackend();
    const c = CASES[1]!;
    const ref = stockGrads(c, 3);
    const got = registeredGrads(c, 3);
    expect(relErr(got.dx, ref.dx)).toBe(0);
    expect(relErr(got.dw, ref.dw)).toBe(0);
    const base = { pad: 'valid', dataFormat: 'NHWC' } as const;
    expect(isConv2DGradSupported([1, 8, 8, 1], [3, 3, 1, 1], { ...base, strides: 1, dilations: 1 })).toBe(true);
    expect(isConv2DGradSupported([1, 8, 8, 1], [3, 3, 1, 1], { ...base, strides: 2, dilations: 1 })).toBe(false);
    expect(isConv2DGradSupported([1, 8, 8, 1], [3, 3, 1, 1], { ...base, strides: 1, dilations: 2 })).toBe(false);
    // A strided conv still trains on cpu through the stock kernels.
    const g = tf.tidy(() => {
      const x = tf.randomNormal([1, 8, 8, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 2, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
      return tf.grad((v: tf.Tensor) => tf.sum(tf.conv2d(x, v as tf.Tensor4D, 2, 'same')))(w).shape;
    });
    expect(g).toEqual([3, 3, 2, 2]);
  });
});

describe('MaxPool gradient by argmax scatter', () => {
  // Random normal inputs: negative-only windows (which wasm's argmax kernel gets wrong unshifted)
  // and, with 'same' padding, windows at the border.
  const cases: Array<{ x: [number, number, number, number]; filterSize: number; strides: number; pad: 'valid' | 'same' }> = [
    { x: [2, 9, 9, 3], filterSize: 2, strides: 2, pad: 'same' },
    { x: [1, 8, 7, 2], filterSize: 3, strides: 1, pad: 'valid' },
    { x: [2, 13, 13, 2], filterSize: 8, strides: 2, pad: 'same' }, // overlapping windows, as 'notebook'
  ];

  const grads = (own: boolean) =>
    cases.map((c, i) => {
      const g = tf.tidy(() => {
        const x = tf.randomNormal(c.x, 0, 1, 'float32', 40 + i) as tf.Tensor4D;
        const y = tf.maxPool(x, c.filterSize, c.strides, c.pad);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 50 + i) as tf.Tensor4D;
        if (own) return maxPoolInputGrad(dy, x, c);
        return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, c.filterSize, c.strides, c.pad), dy)))(x);
      });
      const data = g.dataSync();
      g.dispose();
      return data;
    });

  it('equals the stock cpu gradient, on cpu and (registered) on wasm', async () => {
    await useCpuBackend();
    const ref = grads(false);
    grads(true).forEach((g, i) => expect(relErr(g, ref[i]!), `cpu case ${i}`).toBeLessThan(1e-6));
    await useWasmBackend();
    const before = tf.memory().numTensors;
    grads(false).forEach((g, i) => expect(relErr(g, ref[i]!), `wasm case ${i}`).toBeLessThan(1e-6));
    grads(true).forEach((g, i) => expect(relErr(g, ref[i]!), `wasm own case ${i}`).toBeLessThan(1e-6));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('wasm matMul with transpose flags', () => {
  const combos = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const;

  it('picks the form that neither transposes nor packs the big Dense kernel', () => {
    // Dense's gradients at batch 16: dA = dy·Wᵀ and dW = aᵀ·dy, W = [9216, 4096].
    expect(matMulForm([16, 4096], [9216, 4096], false, true)).toBe('swapped');
    expect(matMulForm([16, 9216], [16, 4096], true, false)).toBe('direct');
    expect(matMulForm([1, 16, 4096], [1, 9216, 4096], false, true)).toBe('swapped');
  });

  it('equals cpu for every transpose combination, rank 2 and 3, and frees its temporaries', async () => {
    const run = () =>
      combos.flatMap(([ta, tb]) =>
        [[], [3]].flatMap((batch) =>
          // Two shape sets, so that both forms are taken for each flag combination.
          [
            [5, 40, 300],
            [300, 40, 5],
          ].map(([m, k, n]) => {
            const t = tf.tidy(() => {
              const a = tf.randomNormal([...batch, ...(ta ? [k!, m!] : [m!, k!])], 0, 1, 'float32', 7);
              const b = tf.randomNormal([...batch, ...(tb ? [n!, k!] : [k!, n!])], 0, 1, 'float32', 8);
              return tf.matMul(a, b, ta, tb);
            });
            const out = { shape: t.shape, data: t.dataSync() };
            t.dispose();
            return out;
          }),
        ),
      );
    await useCpuBackend();
    const ref = run();
    await useWasmBackend();
    const dataIds = tf.backend().numDataIds();
    const got = run();
    expect(tf.backend().numDataIds()).toBe(dataIds);
    got.forEach((g, i) => {
      expect(g.shape).toEqual(ref[i]!.shape);
      expect(relErr(g.data, ref[i]!.data), `case ${i}`).toBeLessThan(1e-6);
    });
  });
});

describe('a training step of the siamese network on wasm', () => {
  // Small kernels: tf.js's cpu Conv2DBackpropFilter (the reference) takes seconds on a 10×10 kernel.
  const config = { inputSize: 58, filters: [4, 6, 6, 8], kernels: [4, 3, 3, 3], embeddingSize: 16 } as const;

  /** Loss and gradients of every trainable weight for one batch, from the given initial weights. */
  async function step(weights: Float32Array[] | null) {
    const net = buildSiamese(config);
    if (weights) {
      const values = weights.map((w, i) => tf.tensor(w, net.model.getWeights()[i]!.shape));
      net.model.setWeights(values);
      tf.dispose(values);
    }
    const initial = net.model.getWeights().map((w) => w.dataSync() as Float32Array);
    const a = tf.randomUniform([3, 58, 58, 3], 0, 1, 'float32', 21);
    const b = tf.randomUniform([3, 58, 58, 3], 0, 1, 'float32', 22);
    const y = tf.tensor2d([1, 0, 1], [3, 1]);
    const { value, grads } = tf.variableGrads(
      () => tf.metrics.binaryCrossentropy(y, net.model.apply([a, b]) as tf.Tensor).mean() as tf.Scalar,
    );
    const out = {
      initial,
      loss: value.dataSync()[0]!,
      grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k.replace(/_\d+/g, ''), g.dataSync() as Float32Array])),
    };
    tf.dispose([a, b, y, value, ...Object.values(grads)]);
    disposeNetwork(net);
    return out;
  }

  it('computes the same loss and gradients as cpu', async () => {
    await useCpuBackend();
    const ref = await step(null);
    await useWasmBackend();
    const before = tf.memory().numTensors;
    const got = await step(ref.initial);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(got.loss - ref.loss)).toBeLessThan(1e-5);
    expect(Object.keys(got.grads).sort()).toEqual(Object.keys(ref.grads).sort());
    expect(Object.keys(got.grads).length).toBe(12); // 5 kernels + 5 biases + classifier kernel/bias
    // Relative to each gradient's scale, with a tiny absolute floor: the embedding bias gradient is a
    // sum over both towers whose terms (~1e-3) cancel to ~1e-6, leaving float32 noise of ~1e-9.
    for (const [name, g] of Object.entries(got.grads))
      expect(maxAbsDiff(g, ref.grads[name]!), name).toBeLessThan(1e-4 * maxAbs(ref.grads[name]!) + 1e-7);
  });

  it('trains with model.compile + trainOnBatch (Adam) and leaks nothing', async () => {
    await useWasmBackend();
    registerTrainableGradients(); // idempotent
    const net = buildSiamese(config);
    net.model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
    const a = tf.randomUniform([4, 58, 58, 3], 0, 1, 'float32', 31);
    const b = tf.randomUniform([4, 58, 58, 3], 0, 1, 'float32', 32);
    const y = tf.tensor2d([1, 0, 1, 0], [4, 1]);
    const w0 = net.model.getWeights()[0]!.dataSync().slice();
    const first = (await net.model.trainOnBatch([a, b], y)) as number;
    const count = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 5; i++) last = (await net.model.trainOnBatch([a, b], y)) as number;
    expect(tf.memory().numTensors).toBe(count);
    expect(Number.isFinite(first) && last < first).toBe(true);
    expect(relErr(net.model.getWeights()[0]!.dataSync(), w0)).toBeGreaterThan(0);
    tf.dispose([a, b, y]);
    disposeNetwork(net);
  });
});
