import { outputSide, type CodecOptions, type SquareCodec } from '../../src/data';
import { cropResizeBilinear, decodeJpeg, encodeJpeg, type Rgba } from './node-codec';

/**
 * The Node side of the two-step codec (the tools and the tests): jpeg-js decode, then
 * crop a given square, bilinear resize to `outputSide` and jpeg-js encode (node-codec.ts steps).
 */
export function createNodeSquareCodec(options: CodecOptions = {}): SquareCodec<Rgba> {
  return {
    decode: async (bytes, name) => decodeJpeg(bytes, name),
    async cropEncode(image, square) {
      const side = outputSide(square, options.maxSize);
      const bytes = encodeJpeg(cropResizeBilinear(image, square, side), options.quality);
      return { blob: new Blob([bytes], { type: 'image/jpeg' }), width: side, height: side };
    },
    release: () => undefined,
  };
}
