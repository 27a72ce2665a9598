/**
 * The page's one face detector: capture, live verification and import share it, so its weights
 * are loaded once. Create it only after the tf.js backend is chosen (src/model selectBackend): its
 * weights live on the backend that is current when it loads.
 */
import { createFaceDetector, type FaceDetector, type FaceDetectorOptions } from './detector';

let shared: Promise<FaceDetector> | null = null;

/** The shared detector (loaded on first call). A failed load is forgotten, so a later call retries. */
export function sharedFaceDetector(options?: FaceDetectorOptions): Promise<FaceDetector> {
  if (shared === null) {
    const loading = createFaceDetector(options);
    shared = loading;
    loading.catch(() => {
      if (shared === loading) shared = null;
    });
  }
  return shared;
}

/** Disposes the shared detector (tests, backend loss); the next call loads it again. */
export async function resetSharedFaceDetector(): Promise<void> {
  const current = shared;
  shared = null;
  if (current) (await current.catch(() => null))?.dispose();
}
