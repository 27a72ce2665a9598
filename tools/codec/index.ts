/**
 * The app's image import pipeline on Node, for the tools and the tests: jpeg-js decode, crop,
 * bilinear resize, jpeg-js encode, behind src/data's ImageCodec and SquareCodec; and Y4M clips for
 * the fake camera. No tf.js.
 */
export { cropEncodeJpeg, cropResizeBilinear, createNodeCodec, decodeJpeg, encodeJpeg, type Rgba } from './node-codec';
export { createNodeSquareCodec } from './node-square-codec';
export { openY4m, rgbaToI420, type Y4mWriter } from './y4m';
