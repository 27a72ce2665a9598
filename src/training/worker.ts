/**
 * The training Web Worker: training runs here so the page stays responsive. Thin wiring of
 * session.ts to the worker scope with the browser's dependencies (deps.ts: decoder, backend
 * choice, IndexedDB).
 *
 * How data flows (see protocol.ts): the page posts the sample blobs in 'start'; this worker
 * decodes them (decodeAndPreprocess: stored samples are already the capture square, so the whole
 * image is used), picks its own tf.js backend (WebGL through OffscreenCanvas where the GPU is real,
 * else wasm), trains, and writes checkpoints and the final network to IndexedDB itself. On 'done'
 * the page loads the network with loadNetwork(TRAINED_MODEL_KEY).
 *
 * Started by client.ts with `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`.
 */
import { createSessionDeps } from './deps';
import type { PageMessage } from './protocol';
import { createTrainingSession } from './session';

const session = createTrainingSession({ ...createSessionDeps('worker'), post: (message) => self.postMessage(message) });

self.onmessage = (event: MessageEvent<PageMessage>) => {
  void session.handle(event.data);
};
