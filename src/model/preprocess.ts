import * as tf from '@tensorflow/tfjs';
import { importSquare, type Square } from '../data';

/**
 * The one image preprocessing used by capture, training and verification, as in the reference
 * notebook: take the capture square, resize it bilinearly to the model's input size (TF2's
 * `tf.image.resize`, i.e. half-pixel centres and no antialiasing), and scale to [0, 1].
 */

/** Raw pixels, row-major, RGBA (ImageData, canvas) or RGB (decoded JPEG without alpha). */
export interface PixelData {
  readonly data: Uint8ClampedArray | Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Raw pixels, or in the browser anything `tf.browser.fromPixels` reads (video, canvas, bitmap…). */
export type PixelSource = PixelData | ImageData | HTMLVideoElement | HTMLImageElement | HTMLCanvasElement | ImageBitmap;

export type PreprocessErrorCode = 'bad-pixels' | 'bad-square';

export class PreprocessError extends Error {
  constructor(
    readonly code: PreprocessErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PreprocessError';
  }
}

function isPixelData(p: PixelSource): p is PixelData {
  return 'data' in p && (p.data instanceof Uint8ClampedArray || p.data instanceof Uint8Array);
}

function sourceSize(p: PixelSource): { width: number; height: number } {
  if (typeof HTMLVideoElement !== 'undefined' && p instanceof HTMLVideoElement) return { width: p.videoWidth, height: p.videoHeight };
  return { width: p.width, height: p.height };
}

function checkSquare(square: Square, width: number, height: number): void {
  const { x, y, size } = square;
  const ints = [x, y, size].every((v) => Number.isInteger(v));
  if (!ints || size < 1 || x < 0 || y < 0 || x + size > width || y + size > height) {
    throw new PreprocessError('bad-square', `Square x ${x}, y ${y}, size ${size} does not fit in the ${width}×${height} image`);
  }
}

/** The square's RGB values as an int32 [size, size, 3] tensor. */
function cropRgb(pixels: PixelSource, square: Square): tf.Tensor3D {
  const { x, y, size } = square;
  if (!isPixelData(pixels)) {
    return tf.tidy(() => tf.slice(tf.browser.fromPixels(pixels, 3), [y, x, 0], [size, size, 3]));
  }
  const { data, width, height } = pixels;
  const channels = data.length / (width * height);
  if (channels !== 3 && channels !== 4) {
    throw new PreprocessError('bad-pixels', `Pixel data of ${data.length} bytes is neither RGBA nor RGB for ${width}×${height}`);
  }
  const out = new Int32Array(size * size * 3);
  let o = 0;
  for (let row = y; row < y + size; row++) {
    let i = (row * width + x) * channels;
    for (let col = 0; col < size; col++, i += channels) {
      out[o++] = data[i]!;
      out[o++] = data[i + 1]!;
      out[o++] = data[i + 2]!;
    }
  }
  return tf.tensor3d(out, [size, size, 3], 'int32');
}

/**
 * Pixels → model input [inputSize, inputSize, 3], float32 in [0, 1]. `square` defaults to the
 * largest centred square (the whole image for square images, e.g. stored 250×250 samples).
 */
export function preprocess(pixels: PixelSource, inputSize: number, square?: Square): tf.Tensor3D {
  const { width, height } = sourceSize(pixels);
  if (!(width > 0 && height > 0)) throw new PreprocessError('bad-pixels', `Image is empty (${width}×${height})`);
  if (!Number.isInteger(inputSize) || inputSize < 1)
    throw new PreprocessError('bad-square', `inputSize ${inputSize} is not a positive integer`);
  const sq = square ?? importSquare(width, height);
  checkSquare(sq, width, height);
  return tf.tidy(() => {
    const crop = tf.cast(cropRgb(pixels, sq), 'float32');
    const resized = tf.image.resizeBilinear(crop, [inputSize, inputSize], false, true);
    return tf.div(resized, 255);
  });
}

/** A batch of `preprocess` results, [n, inputSize, inputSize, 3]; `squares[i]` goes with `images[i]`. */
export function preprocessBatch(images: readonly PixelSource[], inputSize: number, squares?: readonly Square[]): tf.Tensor4D {
  if (images.length === 0) throw new PreprocessError('bad-pixels', 'preprocessBatch needs at least one image');
  if (squares !== undefined && squares.length !== images.length) {
    throw new PreprocessError('bad-square', `${squares.length} squares for ${images.length} images`);
  }
  return tf.tidy(() => tf.stack(images.map((img, i) => preprocess(img, inputSize, squares?.[i]))) as tf.Tensor4D);
}
