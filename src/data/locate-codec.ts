import type { Square } from './crop';
import { decodeImage, encodeSquare, type CodecOptions, type EncodedImage } from './image';

/**
 * The face crop rule for imports without tf.js in this module: the caller injects a function that
 * finds the crop square in a decoded image (src/face locateFace behind it), and a codec split in
 * two steps so that function can look at the image between decoding and cropping.
 */

/** The crop square of a decoded image, or null when the image holds no face (it is skipped). */
export type LocateSquare<I> = (image: I) => Promise<Square | null>;

/** Decode, then crop a given square and encode: an ImageCodec with a gap for `LocateSquare`. */
export interface SquareCodec<I> {
  /** Throws `ImageError('not-an-image')` for bytes that are not a decodable image. */
  decode(bytes: Uint8Array<ArrayBuffer>, name: string): Promise<I>;
  cropEncode(image: I, square: Square, name: string): Promise<EncodedImage>;
  /** Frees the decoded image (e.g. ImageBitmap.close). */
  release(image: I): void;
}

/** What import needs of a codec: an encoded crop, or null when the image has no face. */
export interface ImportCodec {
  decodeCropEncode(bytes: Uint8Array<ArrayBuffer>, name: string): Promise<EncodedImage | null>;
}

/** An import codec that crops the square `locate` finds, and gives null where it finds none. */
export function locatingCodec<I>(codec: SquareCodec<I>, locate: LocateSquare<I>): ImportCodec {
  return {
    async decodeCropEncode(bytes, name) {
      const image = await codec.decode(bytes, name);
      try {
        const square = await locate(image);
        return square === null ? null : await codec.cropEncode(image, square, name);
      } finally {
        codec.release(image);
      }
    },
  };
}

/** The browser's two-step codec: createImageBitmap, then OffscreenCanvas crop and JPEG encode. */
export function createBrowserSquareCodec(options: CodecOptions = {}): SquareCodec<ImageBitmap> {
  return {
    decode: (bytes, name) => decodeImage(bytes, name),
    cropEncode: (bitmap, square, name) => encodeSquare(bitmap, square, options, name),
    release: (bitmap) => bitmap.close(),
  };
}
