import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainableGradients } from '../../src/model';

/**
 * Backends for Node (tests, bench and scripts; never the app). In Node the wasm backend loads its binary from its own
 * dist folder with `fs` (no `setWasmPaths` needed), single-threaded with SIMD: tf.js turns threads
 * off under Node. The browser app uses `selectBackend()` (backend.ts) instead.
 */

/** Switches tf.js to the wasm backend with our trainable gradients. Safe to call repeatedly. */
export async function useWasmBackend(): Promise<void> {
  await useBackend('wasm');
}

/** Switches tf.js to the cpu backend (the reference for gradient checks), gradients registered. */
export async function useCpuBackend(): Promise<void> {
  await useBackend('cpu');
}

async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  registerTrainableGradients();
  if (tf.getBackend() !== name && !(await tf.setBackend(name))) {
    throw new Error(`The ${name} backend failed to initialise`);
  }
  await tf.ready();
}
