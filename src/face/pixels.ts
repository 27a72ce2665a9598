/**
 * Camera bytes to small float tensors without a full-frame tensor. A 640×480 RGBA frame is 1.2 M
 * values; turning all of them into a float32 tensor, uploading it and pooling it costs more than
 * the detector itself on wasm. The detector needs the frame shrunk about 5:1, and the chip and the
 * refinement region need only the pixels around the face, so both are read straight from the
 * bytes here: the k×k block means of one region, RGB.
 */
import * as tf from '@tensorflow/tfjs';

/** An ImageData-like image: RGBA or RGB bytes, rows top to bottom. */
export interface PixelBytes {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** A rectangle of whole pixels. */
export interface PixelRegion {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The bytes per pixel of an ImageData-like image (3 or 4), or an error naming `who`. */
export function channelsOf(pixels: PixelBytes, who: string): 3 | 4 {
  const { data, width: w, height: h } = pixels;
  const n = w * h;
  const channels = n > 0 ? data.length / n : 0;
  if (!(Number.isInteger(w) && Number.isInteger(h) && n > 0) || (channels !== 3 && channels !== 4)) {
    throw new Error(`${who}: ${data.length} bytes do not make an RGB or RGBA image of ${w}×${h}`);
  }
  return channels;
}

/**
 * The mean of each k×k block of `region` (inside the image, width and height multiples of k), as
 * an RGB float32 [height / k, width / k, 3] tensor with values 0–255: the same values as a 'valid'
 * k×k average pool of the region (k = 1: the region's pixels). The caller disposes it.
 */
export function blockMeanRgb(pixels: PixelBytes, region: PixelRegion, k: number): tf.Tensor3D {
  const step = channelsOf(pixels, 'blockMeanRgb');
  const { x, y, width, height } = region;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`blockMeanRgb: block size ${k} is not a positive integer`);
  if (
    !(Number.isInteger(x) && Number.isInteger(y) && Number.isInteger(width) && Number.isInteger(height)) ||
    x < 0 ||
    y < 0 ||
    width < k ||
    height < k ||
    width % k !== 0 ||
    height % k !== 0 ||
    x + width > pixels.width ||
    y + height > pixels.height
  ) {
    throw new Error(
      `blockMeanRgb: region ${width}×${height} at (${x}, ${y}) is not whole ${k}-pixel blocks inside ${pixels.width}×${pixels.height}`,
    );
  }
  const ow = width / k;
  const oh = height / k;
  const out = new Float32Array(ow * oh * 3);
  const { data } = pixels;
  const rowBytes = pixels.width * step;
  for (let r = 0; r < height; r++) {
    const src = (y + r) * rowBytes + x * step;
    const dst = Math.floor(r / k) * ow * 3;
    for (let c = 0, s = src, d = dst; c < ow; c++, d += 3) {
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let j = 0; j < k; j++, s += step) {
        red += data[s]!;
        green += data[s + 1]!;
        blue += data[s + 2]!;
      }
      out[d] = out[d]! + red;
      out[d + 1] = out[d + 1]! + green;
      out[d + 2] = out[d + 2]! + blue;
    }
  }
  if (k > 1) {
    const area = k * k;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! / area;
  }
  return tf.tensor3d(out, [oh, ow, 3]);
}
