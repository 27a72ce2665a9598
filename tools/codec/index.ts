/**
 * The app's image import pipeline on Node, for the tools and the tests: jpeg-js decode, crop,
 * bilinear resize, jpeg-js encode, behind src/data's ImageCodec and SquareCodec. No tf.js.
 */
export { cropEncodeJpeg, cropResizeBilinear, createNodeCodec, decodeJpeg, encodeJpeg, type Rgba } from './node-codec';
export { createNodeSquareCodec } from './node-square-codec';
