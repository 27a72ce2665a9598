import * as tf from '@tensorflow/tfjs';
import { getSampleStore, type SampleStore } from '../data';
import { decodeAndPreprocess } from '../model';

/**
 * The stored verification images for the VerificationEngine (engine.ts `EngineDeps`): their ids,
 * and their pixels decoded and preprocessed for the model. Browser only (decoding).
 */

/** Ids of the stored verification images, in the store's order. */
export async function listVerificationIds(store: SampleStore = getSampleStore()): Promise<string[]> {
  return (await store.listSamples('verification')).map((r) => r.id);
}

/**
 * Decodes and preprocesses stored verification images into one batch [n, inputSize, inputSize, 3],
 * yielding between images; images deleted meanwhile are left out. The caller disposes the batch.
 */
export async function loadVerificationImages(
  ids: readonly string[],
  inputSize: number,
  onProgress: (done: number) => void,
  store: SampleStore = getSampleStore(),
): Promise<tf.Tensor4D> {
  const blobs = await store.getSampleBlobs(ids);
  const tensors: tf.Tensor3D[] = [];
  try {
    for (let i = 0; i < ids.length; i++) {
      const blob = blobs[i];
      if (!blob) continue; // deleted meanwhile
      tensors.push(await decodeAndPreprocess(blob, `verification image ${ids[i]}`, inputSize));
      onProgress(i + 1);
    }
    if (tensors.length === 0) return tf.zeros([0, inputSize, inputSize, 3]);
    return tf.stack(tensors) as tf.Tensor4D;
  } finally {
    tf.dispose(tensors);
  }
}
