import type * as tf from '@tensorflow/tfjs';
import { createFaceDetector, faceModelUrl, type FaceDetector } from '../face';
import { createFaceDescriber, type FaceDescriber } from './describer';
import { loadBackbone, type BackboneOptions } from './load';

/**
 * The face describer of one JavaScript context (the page, or the training worker): the backbone
 * (IndexedDB-cached weights) and a face detector, loaded once on the backend that is current then,
 * shared by live verification and training in the page. A failed load is forgotten, so a later
 * call retries; after a backend switch (WebGL lost) it is reset.
 */
export interface LoadedDescriber {
  readonly describer: FaceDescriber;
  readonly backbone: tf.LayersModel;
  /** Why the backbone's weights are not kept in this browser; null when they are. */
  readonly notCached: string | null;
}

export interface SharedDescriberOptions {
  /** The detector to use (the page's shared one); default: one of its own, short range. */
  readonly detector?: () => Promise<FaceDetector>;
  readonly backbone?: BackboneOptions;
}

let shared: Promise<LoadedDescriber & { readonly ownDetector: FaceDetector | null }> | null = null;

async function load(
  baseUrl: string,
  options: SharedDescriberOptions,
): Promise<LoadedDescriber & { readonly ownDetector: FaceDetector | null }> {
  const ownDetector = options.detector ? null : await createFaceDetector({ variant: 'short', model: faceModelUrl('short', baseUrl) });
  try {
    const detector = ownDetector ?? (await options.detector!());
    const b = await loadBackbone(baseUrl, options.backbone);
    return {
      describer: createFaceDescriber({ backbone: b.model, backboneVersion: b.version, detector }),
      backbone: b.model,
      notCached: b.notCached,
      ownDetector,
    };
  } catch (e) {
    ownDetector?.dispose();
    throw e;
  }
}

/** The context's describer, loaded on first call from `${baseUrl}models/`. */
export function sharedFaceDescriber(baseUrl: string, options: SharedDescriberOptions = {}): Promise<LoadedDescriber> {
  if (shared === null) {
    const loading = load(baseUrl, options);
    shared = loading;
    loading.catch(() => {
      if (shared === loading) shared = null;
    });
  }
  return shared;
}

/** Disposes the shared describer's weights (backend loss, tests); the next call loads it again. */
export async function resetSharedFaceDescriber(): Promise<void> {
  const current = shared;
  shared = null;
  const d = current ? await current.catch(() => null) : null;
  if (d) {
    d.backbone.dispose();
    d.ownDetector?.dispose();
  }
}
