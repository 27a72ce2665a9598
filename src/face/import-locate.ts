import * as tf from '@tensorflow/tfjs';
import { validateFaceConfig } from '../config';
import type { LocateSquare } from '../data';
import { locateFace } from './locate';
import { sharedFaceDetector } from './shared';

/**
 * The face crop rule for imports in the page: the page's shared BlazeFace detector (the one capture
 * uses) and the crop rule measured for its variant (DEFAULT_FACE_CONFIG by default), through
 * locateFace, on each decoded image. Loads the detector first, so a load failure stops the import before any file is read.
 * Call it once the tf.js backend is selected.
 */
export async function createImportLocate(): Promise<LocateSquare<ImageBitmap>> {
  const detector = await sharedFaceDetector();
  const config = validateFaceConfig({ variant: detector.variant });
  return async (bitmap) => {
    const pixels = tf.browser.fromPixels(bitmap);
    try {
      return (await locateFace(detector, pixels, config))?.square ?? null;
    } finally {
      pixels.dispose();
    }
  };
}
