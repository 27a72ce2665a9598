/**
 * BlazeFace face detector on plain `@tensorflow/tfjs`: the MediaPipe graph models converted to
 * tfjs graph models (public/models/face-detector), with our own pre-processing (letterbox to the
 * model's square input, values in [-1, 1]) and decoding (anchors, sigmoid scores, weighted NMS).
 * No DOM: callers pass a tensor or an ImageData-like object.
 */
import * as tf from '@tensorflow/tfjs';
import { validateFaceConfig, type FaceConfig, type FaceDetectorVariant } from '../config';
import { ANCHOR_SPECS, generateAnchors } from './anchors';
import { decodeDetections, VALUES_PER_ANCHOR, weightedNms, type Face } from './decode';
import { blockMeanRgb, channelsOf } from './pixels';

/**
 * An image in source pixels with values in 0–255: a [height, width, 3 or 4] tensor (as
 * `tf.browser.fromPixels` gives), or an ImageData-like object with RGBA or RGB bytes.
 */
export type PixelSource = tf.Tensor3D | { readonly data: Uint8Array | Uint8ClampedArray; readonly width: number; readonly height: number };

export type FaceDetectorErrorCode = 'model-load-failed' | 'model-mismatch' | 'bad-input' | 'disposed';

export class FaceDetectorError extends Error {
  constructor(
    readonly code: FaceDetectorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FaceDetectorError';
  }
}

export interface FaceDetectorOptions extends Partial<Pick<FaceConfig, 'variant' | 'scoreThreshold' | 'iouThreshold'>> {
  /**
   * Where the model comes from: a URL of its model.json, or a tfjs IOHandler (tests read the files
   * from disk). Default: the app's own copy, `faceModelUrl(variant)`.
   */
  readonly model?: string | tf.io.IOHandler;
}

export interface FaceDetector {
  readonly variant: FaceDetectorVariant;
  /** Side of the model's square input in pixels (128 short range, 192 full range). */
  readonly inputSize: number;
  /** Faces with score ≥ scoreThreshold, by descending score, in source pixels. */
  detect(pixels: PixelSource): Promise<Face[]>;
  /** Releases the model's weights; detect() afterwards throws a 'disposed' error. */
  dispose(): void;
}

/** The model files shipped with the app, under public/models/face-detector/. */
export function faceModelUrl(variant: FaceDetectorVariant, baseUrl: string = import.meta.env?.BASE_URL ?? '/'): string {
  return `${baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`}models/face-detector/facemesh-detection-${variant}.json`;
}

/** The graph's face output (the full-range model also has a 'person' output, Identity_1). */
const OUTPUT_NODE = 'Identity:0';

/** How a source image sits in the model's square input: scaled to fit, centred, padded. */
interface Letterbox {
  readonly width: number;
  readonly height: number;
  readonly padX: number;
  readonly padY: number;
  readonly scaleX: number;
  readonly scaleY: number;
}

function letterbox(width: number, height: number, size: number): Letterbox {
  const scale = size / Math.max(width, height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  return { width: w, height: h, padX: Math.floor((size - w) / 2), padY: Math.floor((size - h) / 2), scaleX: w / width, scaleY: h / height };
}

/**
 * The image resized to `height`×`width`, RGB, float32, values 0–255. Resizing comes first, so
 * the channel slice and any cast work on the small image (a full-frame slice is slow on the CPU
 * backend). Caller disposes (runs inside tf.tidy).
 */
function resizedRgb(pixels: PixelSource, height: number, width: number): tf.Tensor3D {
  if (!(pixels instanceof tf.Tensor)) {
    // Bytes: the block means come straight from them (pixels.ts), without a full-frame tensor.
    try {
      channelsOf(pixels, 'detect');
    } catch (e) {
      throw new FaceDetectorError('bad-input', (e as Error).message);
    }
    const k = Math.max(1, Math.floor(Math.min(pixels.height / height, pixels.width / width)));
    const region = { x: 0, y: 0, width: Math.floor(pixels.width / k) * k, height: Math.floor(pixels.height / k) * k };
    return tf.image.resizeBilinear(blockMeanRgb(pixels, region, k), [height, width], false, true);
  }
  const [h, w, c] = pixels.shape;
  if (pixels.rank !== 3 || !(h > 0 && w > 0) || (c !== 3 && c !== 4)) {
    throw new FaceDetectorError(
      'bad-input',
      `detect: expected a [height, width, 3 or 4] image tensor, got shape [${pixels.shape.join(', ')}]`,
    );
  }
  // Bilinear sampling alone aliases when shrinking a lot (a 640×480 frame to 128×96 is 5:1), which
  // turns fine texture and sensor noise into false faces: average k×k blocks first (area filter).
  const k = Math.floor(Math.min(h / height, w / width));
  const filtered = k >= 2 ? tf.avgPool(tf.cast(pixels, 'float32'), k, k, 'valid') : pixels;
  const resized = tf.image.resizeBilinear(filtered, [height, width], false, true);
  return resized.shape[2] === 4 ? tf.slice(resized, [0, 0, 0], [height, width, 3]) : resized;
}

function sourceSize(pixels: PixelSource): [number, number] {
  return pixels instanceof tf.Tensor ? [pixels.shape[1], pixels.shape[0]] : [pixels.width, pixels.height];
}

/** Loads a BlazeFace model and returns a detector. The options default to DEFAULT_FACE_CONFIG. */
export async function createFaceDetector(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const config = validateFaceConfig({
    ...(options.variant !== undefined && { variant: options.variant }),
    ...(options.scoreThreshold !== undefined && { scoreThreshold: options.scoreThreshold }),
    ...(options.iouThreshold !== undefined && { iouThreshold: options.iouThreshold }),
  });
  const { variant, scoreThreshold, iouThreshold } = config;
  const spec = ANCHOR_SPECS[variant];
  const anchors = generateAnchors(spec);
  const source = options.model ?? faceModelUrl(variant);
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel(source);
  } catch (cause) {
    const where = typeof source === 'string' ? source : 'the given IOHandler';
    throw new FaceDetectorError('model-load-failed', `Could not load the ${variant}-range face detector from ${where}: ${String(cause)}`, {
      cause,
    });
  }
  const inShape = model.inputs[0]?.shape;
  const output = model.outputs.find((o) => o.name === OUTPUT_NODE || `${o.name}:0` === OUTPUT_NODE);
  if (inShape?.[1] !== spec.inputSize || inShape[2] !== spec.inputSize || output === undefined) {
    model.dispose();
    throw new FaceDetectorError(
      'model-mismatch',
      `The model is not the ${variant}-range BlazeFace detector: input shape [${inShape?.join(', ') ?? '?'}], expected [-1, ${spec.inputSize}, ${spec.inputSize}, 3]`,
    );
  }
  let disposed = false;
  const size = spec.inputSize;

  async function detect(pixels: PixelSource): Promise<Face[]> {
    if (disposed) throw new FaceDetectorError('disposed', 'detect: the face detector was disposed');
    const [width, height] = sourceSize(pixels);
    const box = letterbox(width, height, size);
    const out = tf.tidy(() => {
      const resized = resizedRgb(pixels, box.height, box.width);
      const normalised = tf.sub(tf.div(resized, 127.5), 1);
      const padded = tf.pad(
        normalised,
        [
          [box.padY, size - box.height - box.padY],
          [box.padX, size - box.width - box.padX],
          [0, 0],
        ],
        -1,
      );
      return model.execute(tf.expandDims(padded, 0), OUTPUT_NODE) as tf.Tensor;
    });
    let raw: Float32Array;
    try {
      if (out.size !== anchors.count * VALUES_PER_ANCHOR) {
        throw new FaceDetectorError(
          'model-mismatch',
          `The face detector gave ${out.shape.join('×')} values, expected 1×${anchors.count}×${VALUES_PER_ANCHOR}`,
        );
      }
      raw = (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
    const faces = weightedNms(decodeDetections(raw, anchors, size, scoreThreshold), iouThreshold);
    const toX = (v: number) => (v * size - box.padX) / box.scaleX;
    const toY = (v: number) => (v * size - box.padY) / box.scaleY;
    return faces.map((f) => ({
      score: f.score,
      box: { x: toX(f.box.x), y: toY(f.box.y), width: (f.box.width * size) / box.scaleX, height: (f.box.height * size) / box.scaleY },
      keypoints: f.keypoints.map((k) => ({ name: k.name, x: toX(k.x), y: toY(k.y) })),
    }));
  }

  return {
    variant,
    inputSize: size,
    detect,
    dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}
