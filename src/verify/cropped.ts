/**
 * One frame, from pixels to a verification result, with the crop chosen on that same frame:
 *
 *   'fixed': the reference's fixed square → the network's input → verify
 *   'face':  detect → crop rule → the network's input → verify, or no result when no face reaches
 *            the score threshold (a gate before the decision rule: such a frame is never
 *            verified, so it can never grant)
 *
 * The network's input depends on the face model (FrameInput): the reference network takes the
 * square preprocessed (imageInput); the face-recognition network takes the face's descriptor
 * (descriptorInput: refined, aligned and described by the backbone).
 */
import * as tf from '@tensorflow/tfjs';
import type { Square } from '../data';
import type { Face } from '../face';
import type { FaceDescriber } from '../facerec';
import { preprocess, type PixelData } from '../model';
import type { FaceFrame } from './faceTracker';

/** Where a frame's crop comes from. */
export type CropSource =
  | { readonly mode: 'fixed'; readonly square: Square }
  | {
      readonly mode: 'face';
      readonly detect: (pixels: PixelData) => Promise<FaceFrame>;
      /** The face detected again in its own region (src/face refineFace): steadier keypoints. */
      readonly refine: (pixels: PixelData, face: Face) => Promise<Face>;
    };

/**
 * A frame's network input from its pixels, its square and (face mode) the face the detector found
 * in it, already detected again in its own region when `refined` (src/face refineFace); the caller
 * disposes the tensor.
 */
export type FrameInput = (pixels: PixelData, square: Square, face: Face | null, refined?: boolean) => Promise<tf.Tensor>;

/** The reference network's input: the square, preprocessed to `inputSize`. */
export function imageInput(inputSize: number): FrameInput {
  return async (pixels, square) => preprocess(pixels, inputSize, square);
}

/** The pixels of `square` (clipped to the frame) as an RGBA tensor; the caller disposes it. */
function squarePixels(pixels: PixelData, square: Square): tf.Tensor3D {
  return tf.tidy(() => {
    const image = tf.tensor3d(new Int32Array(pixels.data), [pixels.height, pixels.width, 4], 'int32');
    const x = Math.max(0, Math.round(square.x));
    const y = Math.max(0, Math.round(square.y));
    const w = Math.max(1, Math.min(pixels.width - x, Math.round(square.size)));
    const h = Math.max(1, Math.min(pixels.height - y, Math.round(square.size)));
    return tf.slice(image, [y, x, 0], [h, w, 4]);
  });
}

/**
 * The face-recognition network's input: the descriptor of the face found in the frame, or, in
 * fixed-square mode (no detection before), of the face found in the square as in a stored capture.
 */
export function descriptorInput(describer: FaceDescriber): FrameInput {
  return async (pixels, square, face, refined = false) => {
    if (face) return tf.tensor1d(await (refined ? describer.describeRefined(pixels, face) : describer.describeFace(pixels, face)));
    const crop = squarePixels(pixels, square);
    try {
      return tf.tensor1d((await describer.describeStill(crop)).descriptor);
    } finally {
      crop.dispose();
    }
  };
}

export interface CroppedResult<R> {
  /** The square that was verified; null when no face was found. */
  readonly square: Square | null;
  /** The detection of this frame ('face' mode), else null. */
  readonly face: FaceFrame | null;
  /** The verified face refined in its own region (when asked for and a face was found), else null. */
  readonly refined: Face | null;
  /** What `verify` returned; null when no face was found ('face' mode), and verify was not called. */
  readonly result: R | null;
}

/**
 * Crops `pixels` as `source` says, makes the network's input with `input` and hands it to `verify`
 * (which must not keep it: it is disposed when `verify` settles). With `refine` (face mode; the
 * liveness check needs the refined keypoints) the face is refined once and the input is made from
 * that refined face, so the face-recognition network does not detect it a second time.
 */
export async function verifyCropped<R>(
  pixels: PixelData,
  source: CropSource,
  input: FrameInput,
  verify: (input: tf.Tensor) => Promise<R>,
  options: { readonly refine?: boolean } = {},
): Promise<CroppedResult<R>> {
  let face: FaceFrame | null = null;
  let refined: Face | null = null;
  let square: Square;
  if (source.mode === 'face') {
    face = await source.detect(pixels);
    if (face.crop === null) return { square: null, face, refined: null, result: null };
    square = face.crop.square;
    if (options.refine) refined = await source.refine(pixels, face.crop.face);
  } else {
    square = source.square;
  }
  const tensor = await (refined ? input(pixels, square, refined, true) : input(pixels, square, face?.crop?.face ?? null));
  try {
    return { square, face, refined, result: await verify(tensor) };
  } finally {
    tensor.dispose();
  }
}
