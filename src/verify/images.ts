import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import { DEFAULT_PERSON_ID, getSampleStore, personOf, type SampleStore } from '../data';
import { sharedFaceDetector } from '../face';
import { createDescriptorCache, describeSamples, sharedFaceDescriber, type DescriptorCache, type LoadedDescriber } from '../facerec';
import { decodeAndPreprocess, decodePixels, inputShape } from '../model';
import { descriptorInput, imageInput, type FrameInput } from './cropped';
import type { VerificationRef } from './engine';

/**
 * The stored verification images for the VerificationEngine (engine.ts `EngineDeps`): their ids,
 * and their network inputs: decoded and preprocessed (reference network), or their face
 * descriptors (face-recognition network: the page's shared describer, descriptors kept in
 * IndexedDB as for training). Browser only (decoding).
 */

/** The stored verification images and whose they are, in the store's order. */
export async function listVerificationIds(store: SampleStore = getSampleStore()): Promise<VerificationRef[]> {
  return (await store.listSamples('verification')).map((r) => ({ id: r.id, person: personOf(r) ?? DEFAULT_PERSON_ID }));
}

/** The page's face describer: the backbone, with the page's shared face detector. */
export function pageDescriber(baseUrl: string = import.meta.env.BASE_URL): Promise<LoadedDescriber> {
  return sharedFaceDescriber(baseUrl, { detector: () => sharedFaceDetector() });
}

let descriptorCache: { readonly version: string; readonly cache: DescriptorCache } | null = null;
function cacheFor(version: string): DescriptorCache {
  if (descriptorCache?.version !== version) descriptorCache = { version, cache: createDescriptorCache(version) };
  return descriptorCache.cache;
}

/**
 * The network inputs of stored verification images as one batch ([n, s, s, 3] images, or [n, 128]
 * descriptors), yielding between images; images deleted meanwhile are left out. The caller
 * disposes the batch.
 */
export async function loadVerificationImages(
  ids: readonly string[],
  config: ModelConfig,
  onProgress: (done: number) => void,
  store: SampleStore = getSampleStore(),
): Promise<tf.Tensor> {
  const blobs = await store.getSampleBlobs(ids);
  const present = ids.flatMap((id, i) => (blobs[i] ? [{ id, blob: blobs[i] }] : []));
  if (config.faceModel === 'facerec') {
    if (present.length === 0) return tf.zeros([0, ...inputShape(config)]);
    const { describer } = await pageDescriber();
    const described = await describeSamples(present, {
      describer,
      cache: cacheFor(describer.version),
      pixels: (s) => decodePixels(s.blob, `verification image ${s.id}`),
      onProgress: (done) => onProgress(done),
    });
    return tf.tidy(() => tf.stack(present.map((s) => tf.tensor1d(described!.descriptors.get(s.id)!.descriptor))));
  }
  const tensors: tf.Tensor3D[] = [];
  try {
    for (let i = 0; i < ids.length; i++) {
      const blob = blobs[i];
      if (!blob) continue; // deleted meanwhile
      tensors.push(await decodeAndPreprocess(blob, `verification image ${ids[i]}`, config.inputSize));
      onProgress(i + 1);
    }
    if (tensors.length === 0) return tf.zeros([0, ...inputShape(config)]);
    return tf.stack(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** How a live frame becomes the input of a network of `config` (loads the page's describer for 'facerec'). */
export async function pageFrameInput(config: ModelConfig): Promise<FrameInput> {
  if (config.faceModel !== 'facerec') return imageInput(config.inputSize);
  return descriptorInput((await pageDescriber()).describer);
}
