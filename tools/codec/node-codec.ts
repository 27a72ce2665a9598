import { decode, encode } from 'jpeg-js';
import {
  checkImageBytes,
  DEFAULT_JPEG_QUALITY,
  ImageError,
  importSquare,
  outputSide,
  type CodecOptions,
  type ImageCodec,
  type Square,
} from '../../src/data';

/**
 * The Node side of the image pipeline (the tools and the tests; never shipped):
 * jpeg-js decode → crop → bilinear resize → jpeg-js encode. It implements the same `ImageCodec`
 * as the browser codec in image.ts, for JPEG input (all LFW photos are JPEG).
 */

/** An RGBA image. */
export interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function decodeJpeg(bytes: Uint8Array, name: string): Rgba {
  const format = checkImageBytes(bytes, name);
  if (format !== 'jpeg') throw new ImageError('not-an-image', name, `"${name}" is a ${format}; the Node codec reads JPEG only.`);
  try {
    const img = decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxMemoryUsageInMB: 512 });
    return { width: img.width, height: img.height, data: img.data };
  } catch (e) {
    throw new ImageError('not-an-image', name, `"${name}" could not be decoded as a JPEG: ${String(e)}`, { cause: e });
  }
}

/**
 * Crops `square` out of `src` and resizes it to side×side, bilinear with half-pixel centres
 * (tf.image.resizeBilinear with halfPixelCenters: true). Side = square.size copies exactly.
 */
export function cropResizeBilinear(src: Rgba, square: Square, side: number): Rgba {
  const out = new Uint8Array(side * side * 4);
  const scale = square.size / side;
  const last = square.size - 1;
  const coords = (o: number) => {
    const s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), last);
    const i0 = Math.floor(s);
    return [i0, Math.min(i0 + 1, last), s - i0] as const;
  };
  const xs = Array.from({ length: side }, (_, x) => coords(x));
  for (let y = 0; y < side; y++) {
    const [y0, y1, fy] = coords(y);
    const row0 = (square.y + y0) * src.width;
    const row1 = (square.y + y1) * src.width;
    for (let x = 0; x < side; x++) {
      const [x0, x1, fx] = xs[x]!;
      const a = (row0 + square.x + x0) * 4;
      const b = (row0 + square.x + x1) * 4;
      const c = (row1 + square.x + x0) * 4;
      const d = (row1 + square.x + x1) * 4;
      const o = (y * side + x) * 4;
      for (let ch = 0; ch < 4; ch++) {
        const top = src.data[a + ch]! + (src.data[b + ch]! - src.data[a + ch]!) * fx;
        const bottom = src.data[c + ch]! + (src.data[d + ch]! - src.data[c + ch]!) * fx;
        out[o + ch] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { width: side, height: side, data: out };
}

/** JPEG-encodes an RGBA image; quality in (0, 1]. */
export function encodeJpeg(img: Rgba, quality = DEFAULT_JPEG_QUALITY): Uint8Array<ArrayBuffer> {
  const buf = encode({ width: img.width, height: img.height, data: img.data }, Math.round(quality * 100)).data;
  return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
}

/** The import step on raw bytes: decode, importSquare crop, resize to `outputSide`, encode. */
export function cropEncodeJpeg(
  bytes: Uint8Array,
  name: string,
  options: CodecOptions = {},
): { bytes: Uint8Array<ArrayBuffer>; side: number } {
  const img = decodeJpeg(bytes, name);
  const square = importSquare(img.width, img.height);
  const side = outputSide(square, options.maxSize);
  return { bytes: encodeJpeg(cropResizeBilinear(img, square, side), options.quality), side };
}

export function createNodeCodec(options: CodecOptions = {}): ImageCodec {
  return {
    async decodeCropEncode(bytes, name) {
      const { bytes: jpeg, side } = cropEncodeJpeg(bytes, name, options);
      return { blob: new Blob([jpeg], { type: 'image/jpeg' }), width: side, height: side };
    },
  };
}
