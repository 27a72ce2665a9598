import type * as tf from '@tensorflow/tfjs';
import { decodeImage } from '../data';
import { preprocess } from './preprocess';

/**
 * A stored image blob → model input [inputSize, inputSize, 3] in [0, 1]: decode (createImageBitmap,
 * EXIF orientation applied), read its pixels through a 2D OffscreenCanvas, then `preprocess` the
 * whole image (stored samples are already the capture square). The one "decode then preprocess"
 * of training (worker and page) and verification. Reading the pixels on a 2D canvas works the same
 * in a page and in a worker, on every backend, so training and verification see the same pixels.
 * Throws ImageError('not-an-image') naming `name` when the blob cannot be decoded. Browser only.
 */
export async function decodeAndPreprocess(blob: Blob, name: string, inputSize: number): Promise<tf.Tensor3D> {
  return preprocess(await decodePixels(blob, name), inputSize);
}

/**
 * A stored image blob → its RGBA pixels, as decodeAndPreprocess reads them (the face-recognition
 * network cuts its own chip from them). Browser only; throws ImageError('not-an-image').
 */
export async function decodePixels(blob: Blob, name: string): Promise<ImageData> {
  const bitmap = await decodeImage(blob, name);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2D is not available here');
    ctx.drawImage(bitmap, 0, 0);
    return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}
