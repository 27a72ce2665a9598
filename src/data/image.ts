import { DEFAULT_CAPTURE_CONFIG } from '../config';
import { importSquare, type Square } from './crop';

/**
 * Image decode, crop and encode. The browser implementation uses `createImageBitmap` and
 * `OffscreenCanvas` (both also work in a worker). Import code depends only on the small
 * `ImageCodec` interface, so it runs in Node tests with a jpeg-js codec
 * (tools/codec) doing the same steps.
 *
 * The byte checks below (format sniffing, truncation) are plain functions shared by both codecs,
 * so a truncated JPEG is refused the same way everywhere: browsers decode a truncated JPEG into a
 * partly grey picture instead of failing.
 */

export type ImageErrorCode = 'not-an-image' | 'encode-failed' | 'unsupported-browser';

export class ImageError extends Error {
  override readonly name = 'ImageError';
  constructor(
    readonly code: ImageErrorCode,
    /** The file the error is about. */
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif';

const ascii = (b: Uint8Array, at: number, text: string) => [...text].every((c, i) => b[at + i] === c.charCodeAt(0));

/** The image format from the first bytes, or null when they are not a known image format. */
export function sniffImageFormat(b: Uint8Array): ImageFormat | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 'PNG\r\n\x1a\n')) return 'png';
  if (b.length >= 6 && (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a'))) return 'gif';
  if (b.length >= 12 && ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return 'webp';
  if (b.length >= 14 && ascii(b, 0, 'BM')) return 'bmp';
  if (b.length >= 12 && ascii(b, 4, 'ftyp') && (ascii(b, 8, 'avif') || ascii(b, 8, 'avis'))) return 'avif';
  return null;
}

/** Walks a JPEG's segments to its end-of-image marker; a reason when it is cut short or malformed. */
function jpegProblem(b: Uint8Array): string | null {
  let i = 2;
  while (i < b.length) {
    if (b[i] !== 0xff) return `bad marker at byte ${i}`;
    while (b[i] === 0xff) i++; // fill bytes
    if (i >= b.length) break;
    const marker = b[i++]!;
    if (marker === 0xd9) return null; // end of image
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue; // markers without a length
    if (i + 2 > b.length) break;
    const length = (b[i]! << 8) | b[i + 1]!;
    if (length < 2) return `bad segment length at byte ${i}`;
    i += length;
    if (marker !== 0xda) continue;
    // Entropy-coded data after start-of-scan runs to the next marker other than FF00 / RSTn.
    for (;;) {
      i = b.indexOf(0xff, i);
      if (i < 0 || i + 1 >= b.length) return 'the file ends inside the image data (truncated)';
      const next = b[i + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) i += 2;
      else if (next === 0xff) i += 1;
      else break;
    }
  }
  return 'the file ends before the end-of-image marker (truncated)';
}

/** Walks a PNG's chunks to IEND; a reason when it is cut short. */
function pngProblem(b: Uint8Array): string | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 8; i + 8 <= b.length;) {
    const length = view.getUint32(i);
    if (ascii(b, i + 4, 'IEND')) return null;
    i += 12 + length;
  }
  return 'the file ends before the IEND chunk (truncated)';
}

/**
 * Checks that bytes are a known image format and, for JPEG and PNG, not truncated. Returns the
 * format; throws `ImageError('not-an-image')` naming the file otherwise.
 */
export function checkImageBytes(bytes: Uint8Array, name: string): ImageFormat {
  const format = sniffImageFormat(bytes);
  if (format === null) throw new ImageError('not-an-image', name, `"${name}" is not an image (JPEG, PNG, GIF, WebP, BMP or AVIF).`);
  const problem = format === 'jpeg' ? jpegProblem(bytes) : format === 'png' ? pngProblem(bytes) : null;
  if (problem !== null) throw new ImageError('not-an-image', name, `"${name}" is a damaged ${format.toUpperCase()}: ${problem}.`);
  return format;
}

/** An encoded image ready to store. */
export interface EncodedImage {
  readonly blob: Blob;
  readonly width: number;
  readonly height: number;
}

/**
 * Decodes image bytes, takes the import crop (`importSquare`: the whole of a 250×250 LFW photo,
 * the centred square of others), scales it down to at most `maxSize` and encodes it as JPEG.
 * Throws `ImageError('not-an-image')` for bytes that are not a decodable image.
 */
export interface ImageCodec {
  decodeCropEncode(bytes: Uint8Array<ArrayBuffer>, name: string): Promise<EncodedImage>;
}

export interface CodecOptions {
  /** Largest stored side in pixels; default: the capture square (250), so imports match captures. */
  readonly maxSize?: number;
  /** JPEG quality in (0, 1]; default 0.9. */
  readonly quality?: number;
}

export const DEFAULT_JPEG_QUALITY = 0.9;

/** Side of the stored image for a crop: the crop itself, scaled down to `maxSize` if larger. */
export function outputSide(square: Square, maxSize = DEFAULT_CAPTURE_CONFIG.squareSize): number {
  return Math.max(1, Math.min(square.size, maxSize));
}

function canvas2d(side: number): OffscreenCanvasRenderingContext2D {
  if (typeof OffscreenCanvas === 'undefined')
    throw new ImageError('unsupported-browser', '', 'This browser has no OffscreenCanvas; use a current Chrome, Edge, Firefox or Safari.');
  const ctx = new OffscreenCanvas(side, side).getContext('2d');
  if (!ctx) throw new ImageError('unsupported-browser', '', 'This browser cannot draw on an OffscreenCanvas.');
  return ctx;
}

/**
 * Crops a square out of any drawable source (a video frame for webcam captures, an ImageBitmap for
 * imports), scales it to `outputSide` and encodes a JPEG. Browser only.
 */
export async function encodeSquare(
  source: CanvasImageSource,
  square: Square,
  options: CodecOptions = {},
  name = 'capture',
): Promise<EncodedImage> {
  const side = outputSide(square, options.maxSize);
  const ctx = canvas2d(side);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, square.x, square.y, square.size, square.size, 0, 0, side, side);
  try {
    const blob = await ctx.canvas.convertToBlob({ type: 'image/jpeg', quality: options.quality ?? DEFAULT_JPEG_QUALITY });
    return { blob, width: side, height: side };
  } catch (e) {
    throw new ImageError('encode-failed', name, `Could not encode "${name}" as JPEG: ${String(e)}`, { cause: e });
  }
}

/**
 * Decodes a stored blob or checked bytes into an ImageBitmap (EXIF orientation applied). The caller
 * closes it. Throws `ImageError('not-an-image')` when the browser cannot decode it. Browser only.
 */
export async function decodeImage(data: Blob | Uint8Array<ArrayBuffer>, name = 'image'): Promise<ImageBitmap> {
  if (typeof createImageBitmap === 'undefined') throw new ImageError('unsupported-browser', name, 'This browser has no createImageBitmap.');
  if (data instanceof Uint8Array) checkImageBytes(data, name);
  const blob = data instanceof Blob ? data : new Blob([data]);
  try {
    return await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch (e) {
    throw new ImageError('not-an-image', name, `"${name}" could not be decoded as an image.`, { cause: e });
  }
}

/** The browser codec: createImageBitmap → importSquare crop → OffscreenCanvas → JPEG blob. */
export function createBrowserCodec(options: CodecOptions = {}): ImageCodec {
  return {
    async decodeCropEncode(bytes, name) {
      const bitmap = await decodeImage(bytes, name);
      try {
        return await encodeSquare(bitmap, importSquare(bitmap.width, bitmap.height), options, name);
      } finally {
        bitmap.close();
      }
    },
  };
}
