/**
 * The wasm backend check, shared by the harness page and its worker (wasm-worker.ts): start the
 * wasm backend through the app's own `selectBackend({ force: 'wasm' })` (src/model: bundled wasm
 * binaries, thread count), run two convolutions on cpu and on wasm, and report threads, pthread
 * workers and the difference.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createRng } from '../../src/data';
import { selectBackend } from '../../src/model';

export interface WasmReport {
  /** Where the check ran. */
  readonly scope: 'page' | 'worker';
  readonly backend: string;
  readonly hardwareConcurrency: number;
  readonly crossOriginIsolated: boolean;
  readonly simd: boolean;
  readonly multithread: boolean;
  readonly threads: number;
  /** selectBackend's one-line reason (what runs and why). */
  readonly reason: string;
  /** Emscripten pthread workers: running (owned by the thread pool) and idle. */
  readonly runningWorkers: number;
  readonly unusedWorkers: number;
  /** Largest |wasm − cpu| over the conv output, and the largest |cpu| for scale. */
  readonly maxAbsDiff: number;
  readonly maxAbs: number;
  readonly outputShape: readonly number[];
  /** Mean time of one conv forward on wasm (after a warm-up), ms. */
  readonly convMs: number;
  /** Tensors left behind by the wasm runs (must be 0). */
  readonly leaked: number;
}

interface PThreadView {
  runningWorkers: unknown[];
  unusedWorkers: unknown[];
}

function seeded(shape: readonly number[], seed: number): tf.Tensor {
  const rand = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rand() * 2 - 1;
  return tf.tensor(v, [...shape]);
}

/** Two convolutions with a relu between: enough work for XNNPACK to split across threads. */
function convForward(x: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const a = tf.relu(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'valid'));
    return tf.conv2d(a, w2 as tf.Tensor4D, 1, 'same');
  });
}

async function runConv(backend: string): Promise<{ out: Float32Array; shape: number[]; ms: number; leaked: number }> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  const before = tf.memory().numTensors;
  const x = seeded([2, 64, 64, 3], 1);
  const w1 = seeded([7, 7, 3, 16], 2);
  const w2 = seeded([4, 4, 16, 32], 3);
  const warm = convForward(x, w1, w2);
  const out = (await warm.data()) as Float32Array;
  const shape = warm.shape;
  tf.dispose(warm);
  const reps = 3;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const y = convForward(x, w1, w2);
    await y.data();
    tf.dispose(y);
  }
  const ms = (performance.now() - t0) / reps;
  tf.dispose([x, w1, w2]);
  return { out, shape, ms, leaked: tf.memory().numTensors - before };
}

export async function wasmCheck(): Promise<WasmReport> {
  const cpu = await runConv('cpu');
  const selected = await selectBackend({ force: 'wasm' });
  const wasm = await runConv('wasm');
  let maxAbsDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < cpu.out.length; i++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs((wasm.out[i] ?? NaN) - (cpu.out[i] ?? NaN)));
    maxAbs = Math.max(maxAbs, Math.abs(cpu.out[i] ?? 0));
  }
  if (wasm.out.length !== cpu.out.length) maxAbsDiff = Infinity;
  const pthread = (tf.backend() as unknown as { wasm?: { PThread?: PThreadView } }).wasm?.PThread;
  return {
    scope: typeof document === 'undefined' ? 'worker' : 'page',
    backend: tf.getBackend(),
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
    multithread: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true,
    threads: getThreadsCount(),
    reason: selected.reason,
    runningWorkers: pthread?.runningWorkers.length ?? 0,
    unusedWorkers: pthread?.unusedWorkers.length ?? 0,
    maxAbsDiff,
    maxAbs,
    outputShape: wasm.shape,
    convMs: wasm.ms,
    leaked: wasm.leaked + cpu.leaked,
  };
}
