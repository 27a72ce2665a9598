import { currentBackend, decodeAndPreprocess, loadStartingNetwork, saveNetwork, selectBackend } from '../model';
import { createIdbCheckpointStore } from './checkpoint';
import type { RunPlace } from './client';
import { TRAINED_MODEL_KEY } from './protocol';
import type { SessionDeps } from './session';

/** Pause between training steps when training runs in the page. */
const PAGE_YIELD_MS = 100;

/**
 * The training session's dependencies in the browser, shared by the worker (worker.ts) and the
 * in-page run (run.ts): the one decode + preprocess of stored samples, IndexedDB checkpoints, the
 * trained network saved under TRAINED_MODEL_KEY, and the starting network (the bundled pretrained
 * model for the reference config, its weights cached in IndexedDB; random weights for other
 * configs or start: 'scratch'). They differ only where they run:
 * - the worker picks its own backend (WebGL through OffscreenCanvas where the GPU is real, else
 *   wasm) as the request asks;
 * - the page keeps its own backend (switching it would invalidate the loaded model) and yields
 *   between steps, since a step blocks the page for its whole duration: the page then renders the
 *   progress and handles input (Stop) before the next one.
 */
export function createSessionDeps(place: RunPlace): Omit<SessionDeps, 'post'> {
  const shared = {
    decode: (sample, inputSize) => decodeAndPreprocess(sample.blob, sample.id, inputSize),
    checkpoints: createIdbCheckpointStore(),
    saveModel: (net, meta) => saveNetwork(net, TRAINED_MODEL_KEY, meta),
    initialNetwork: (config, start) => loadStartingNetwork(import.meta.env.BASE_URL, config, start === 'scratch'),
  } satisfies Partial<SessionDeps>;
  if (place === 'worker') {
    return { ...shared, selectBackend: (preference) => selectBackend(preference === 'auto' ? {} : { force: preference }) };
  }
  return {
    ...shared,
    selectBackend: async () => currentBackend() ?? selectBackend(),
    yieldBetweenBatches: () => new Promise((resolve) => setTimeout(resolve, PAGE_YIELD_MS)),
  };
}
