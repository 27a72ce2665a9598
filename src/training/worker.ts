/**
 * The training Web Worker: training runs here so the page stays responsive. Thin wiring of
 * session.ts to the worker scope, the browser's image decoder, the backend choice and IndexedDB.
 *
 * How data flows (see protocol.ts): the page posts the sample blobs in 'start'; this worker
 * decodes them (createImageBitmap + OffscreenCanvas: stored samples are already the capture
 * square, so the whole image is used), picks its own tf.js backend (WebGL through OffscreenCanvas
 * where the GPU is real, else wasm), trains, and writes checkpoints and the final network to
 * IndexedDB itself. On 'done' the page loads the network with loadNetwork(TRAINED_MODEL_KEY).
 *
 * Started by client.ts with `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`.
 */
import { decodeImage } from '../data/image';
import { loadStartingNetwork, preprocess, saveNetwork, selectBackend } from '../model';
import { createIdbCheckpointStore } from './checkpoint';
import { TRAINED_MODEL_KEY, type PageMessage, type SampleBlob } from './protocol';
import { createTrainingSession } from './session';

async function decodeSample(sample: SampleBlob, inputSize: number) {
  const bitmap = await decodeImage(sample.blob, sample.id);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this worker');
    ctx.drawImage(bitmap, 0, 0);
    return preprocess(ctx.getImageData(0, 0, bitmap.width, bitmap.height), inputSize);
  } finally {
    bitmap.close();
  }
}

const session = createTrainingSession({
  post: (message) => self.postMessage(message),
  decode: decodeSample,
  selectBackend: (preference) => selectBackend(preference === 'auto' ? {} : { force: preference }),
  checkpoints: createIdbCheckpointStore(),
  saveModel: (net, meta) => saveNetwork(net, TRAINED_MODEL_KEY, meta),
  // Fine-tune the bundled pretrained model (reference config, its weights cached in IndexedDB by
  // the page or an earlier run); other configs, and start: 'scratch', train from random weights.
  initialNetwork: (config, start) => loadStartingNetwork(import.meta.env.BASE_URL, config, start === 'scratch'),
});

self.onmessage = (event: MessageEvent<PageMessage>) => {
  void session.handle(event.data);
};
