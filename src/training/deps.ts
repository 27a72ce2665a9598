import { errorMessage } from '../common';
import {
  backboneVersion,
  createDescriptorCache,
  describeSamples,
  descriptorVersion,
  sharedFaceDescriber,
  type DescriptorCache,
  type FaceDescriber,
} from '../facerec';
import { sharedFaceDetector } from '../face';
import { currentBackend, decodeAndPreprocess, decodePixels, loadStartingNetwork, saveNetwork, selectBackend } from '../model';
import { createIdbCheckpointStore } from './checkpoint';
import type { RunPlace } from './client';
import { TrainingError } from './errors';
import { TRAINED_MODEL_KEY, type SampleBlob } from './protocol';
import type { SessionDeps } from './session';

/** Pause between training steps when training runs in the page. */
const PAGE_YIELD_MS = 100;

/**
 * The face-recognition network's inputs in the browser: each sample decoded (decodePixels), its
 * face found, aligned and described by the context's shared describer (the page's shares the
 * page's face detector), the descriptors kept in IndexedDB by sample id (a later run describes
 * only new captures; the bundled negatives once per backbone version).
 */
function describeInBrowser(place: RunPlace): NonNullable<SessionDeps['describe']> {
  let cache: DescriptorCache | undefined;
  // Read once per run: the calibration cohort is described one negative at a time.
  let version: Promise<string> | undefined;
  return async (samples, signal, onProgress) => {
    const baseUrl = import.meta.env.BASE_URL;
    version ??= backboneVersion(baseUrl).then(descriptorVersion);
    version.catch(() => (version = undefined)); // a failed read is tried again next time
    const current = await version;
    if (cache === undefined) {
      cache = createDescriptorCache(current);
      await cache.prune();
    }
    // The backbone and detector load only when a sample is not in the cache (a second Train on the
    // same captures needs neither).
    const load = () => sharedFaceDescriber(baseUrl, place === 'page' ? { detector: () => sharedFaceDetector() } : {});
    const describer: FaceDescriber = {
      version: current,
      describeStill: async (pixels) => (await load()).describer.describeStill(pixels),
      describeFace: async (pixels, face) => (await load()).describer.describeFace(pixels, face),
      describeRefined: async (pixels, face) => (await load()).describer.describeRefined(pixels, face),
    };
    const described = await describeSamples(samples, {
      describer,
      cache,
      signal,
      onProgress,
      pixels: async (sample: SampleBlob) => {
        try {
          return await decodePixels(sample.blob, sample.id);
        } catch (e) {
          throw new TrainingError(
            'decode-failed',
            `Sample ${sample.id} could not be read as an image (${errorMessage(e)}); delete it and try again`,
          );
        }
      },
    });
    return described === null ? null : samples.map((s) => described.descriptors.get(s.id)!.descriptor);
  };
}

/**
 * The training session's dependencies in the browser, shared by the worker (worker.ts) and the
 * in-page run (run.ts): the one decode + preprocess of stored samples (reference network), the
 * face descriptors (face-recognition network), IndexedDB checkpoints, the trained network saved
 * under TRAINED_MODEL_KEY, and the starting network (the face model's bundled pretrained network,
 * its weights cached in IndexedDB; random weights for other configs or start: 'scratch'). They
 * differ only where they run:
 * - the worker picks its own backend (WebGL through OffscreenCanvas where the GPU is real, else
 *   wasm) as the request asks;
 * - the page keeps its own backend (switching it would invalidate the loaded model) and yields
 *   between steps, since a step blocks the page for its whole duration: the page then renders the
 *   progress and handles input (Stop) before the next one.
 */
export function createSessionDeps(place: RunPlace): Omit<SessionDeps, 'post'> {
  const shared = {
    decode: (sample, inputSize) => decodeAndPreprocess(sample.blob, sample.id, inputSize),
    describe: describeInBrowser(place),
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
