/**
 * Face alignment: the chip the face-recognition network sees. The geometry (align-geometry.ts)
 * says where the face goes; this cuts the chip out of the frame with tf.js, on any backend
 * (`tf.image.transform` with bilinear interpolation has cpu, wasm and webgl kernels). No DOM:
 * callers pass a tensor or an ImageData-like object, as to the detector.
 */
import * as tf from '@tensorflow/tfjs';
import {
  alignmentTransform,
  applySimilarity,
  DEFAULT_ALIGN,
  invertSimilarity,
  similarityScale,
  squareTransform,
  validateAlignConfig,
  type AlignConfig,
  type Similarity,
} from './align-geometry';
import { faceSquare, largestFace } from './crop-rule';
import type { Face, Keypoint } from './decode';
import type { FaceDetector, PixelSource } from './detector';
import { blockMeanRgb, channelsOf, type PixelBytes } from './pixels';

export {
  alignmentTransform,
  applySimilarity,
  chipTemplate,
  DEFAULT_ALIGN,
  invertSimilarity,
  similarityScale,
  squareTransform,
  validateAlignConfig,
  AlignConfigError,
  type AlignConfig,
  type AlignScale,
  type Point,
  type Similarity,
  type TemplatePoint,
} from './align-geometry';

/** A float32 [height, width, channels] image tensor, RGB or RGBA (caller disposes, in a tidy). */
function floatImage(pixels: tf.Tensor3D): tf.Tensor3D {
  const [h, w, c] = pixels.shape;
  if (pixels.rank !== 3 || !(h > 0 && w > 0) || (c !== 3 && c !== 4)) {
    throw new Error(`warpChip: expected a [height, width, 3 or 4] image tensor, got shape [${pixels.shape.join(', ')}]`);
  }
  return pixels.dtype === 'float32' ? pixels : tf.cast(pixels, 'float32');
}

/**
 * `t` (image pixels → chip pixels) as tf.image.transform's matrix: it maps each output index
 * (x, y) to an input index with pixel centres on integers, so chip index (x, y) is the chip point
 * (x + ½, y + ½), whose image point minus ½ is the input index.
 */
function transformMatrix(t: Similarity): number[] {
  const inv = invertSimilarity(t);
  return [inv.a, -inv.b, inv.a * 0.5 - inv.b * 0.5 + inv.tx - 0.5, inv.b, inv.a, inv.b * 0.5 + inv.a * 0.5 + inv.ty - 0.5, 0, 0];
}

function sample(image: tf.Tensor3D, t: Similarity, size: number): tf.Tensor3D {
  const warped = tf.image.transform(
    tf.expandDims(image, 0) as tf.Tensor4D,
    tf.tensor2d([transformMatrix(t)], [1, 8]),
    'bilinear',
    'constant',
    0,
    [size, size],
  );
  const chip = tf.squeeze(warped, [0]) as tf.Tensor3D;
  return chip.shape[2] === 4 ? tf.slice(chip, [0, 0, 0], [size, size, 3]) : chip;
}

/**
 * warpChip on bytes: only the k×k blocks that the chip's bilinear samples can reach are read
 * (pixels.ts), so a 640×480 frame never becomes a tensor. The same values as pooling the whole
 * image: the region lies on the whole image's block grid, and a sample that falls outside the
 * region falls outside the image too (black).
 */
function warpBytes(pixels: PixelBytes, transform: Similarity, size: number, k: number): tf.Tensor3D {
  channelsOf(pixels, 'warpChip');
  const inv = invertSimilarity(transform);
  const corners = [
    applySimilarity(inv, { x: 0, y: 0 }),
    applySimilarity(inv, { x: size, y: 0 }),
    applySimilarity(inv, { x: 0, y: size }),
    applySimilarity(inv, { x: size, y: size }),
  ];
  // One block of slack on each side covers the bilinear neighbours of the outermost samples.
  const gridW = Math.floor(pixels.width / k) * k;
  const gridH = Math.floor(pixels.height / k) * k;
  const x0 = Math.max(0, (Math.floor(Math.min(...corners.map((p) => p.x)) / k) - 1) * k);
  const y0 = Math.max(0, (Math.floor(Math.min(...corners.map((p) => p.y)) / k) - 1) * k);
  const x1 = Math.min(gridW, (Math.ceil(Math.max(...corners.map((p) => p.x)) / k) + 1) * k);
  const y1 = Math.min(gridH, (Math.ceil(Math.max(...corners.map((p) => p.y)) / k) + 1) * k);
  if (x1 - x0 < k || y1 - y0 < k) return tf.zeros([size, size, 3]);
  return tf.tidy(() => {
    const region = blockMeanRgb(pixels, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, k);
    // Region index q is image point (x0, y0) + k·q: the transform from region points.
    const t = {
      a: transform.a * k,
      b: transform.b * k,
      tx: transform.a * x0 - transform.b * y0 + transform.tx,
      ty: transform.b * x0 + transform.a * y0 + transform.ty,
    };
    return sample(region, t, size);
  });
}

/**
 * The size×size RGB chip that `transform` (image pixels → chip pixels) cuts out of the image:
 * float32 values 0–255, [size, size, 3]; outside the image is black, as in dlib's chips. When the
 * chip shrinks the face by 2 or more, k×k blocks are averaged first (k = ⌊1 / scale⌋) so that the
 * bilinear sampling does not alias. The caller keeps `pixels` and disposes the result.
 */
export function warpChip(pixels: PixelSource, transform: Similarity, size: number): tf.Tensor3D {
  if (!(Number.isInteger(size) && size > 0)) throw new Error(`warpChip: chip size ${size} is not a positive integer`);
  const scale = similarityScale(transform);
  if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`warpChip: the transform's scale ${scale} is not positive`);
  const k = Math.max(1, Math.floor(1 / scale));
  if (!(pixels instanceof tf.Tensor)) return warpBytes(pixels, transform, size, k <= Math.min(pixels.width, pixels.height) ? k : 1);
  return tf.tidy(() => {
    let image = floatImage(pixels);
    let t = transform;
    if (k >= 2 && image.shape[0] >= k && image.shape[1] >= k) {
      // Pooled pixel j covers source pixels [j·k, (j + 1)·k): a source point p is pooled point p / k.
      image = tf.avgPool(image, k, k, 'valid');
      t = { a: t.a * k, b: t.b * k, tx: t.tx, ty: t.ty };
    }
    return sample(image, t, size);
  });
}

/**
 * The aligned chip of a face (BlazeFace keypoints in the image's pixels): eyes level, at the
 * template's position, scale and margin for `config` (default DEFAULT_ALIGN). RGB float32 0–255,
 * [size, size, 3]; the caller disposes it.
 */
export function alignFace(
  pixels: PixelSource,
  face: { readonly keypoints: readonly Keypoint[] },
  config: Partial<AlignConfig> = DEFAULT_ALIGN,
): tf.Tensor3D {
  const c = validateAlignConfig(config);
  return warpChip(pixels, alignmentTransform(face.keypoints, c), c.size);
}

/** Side of the region refineFace detects in, in face-box sides (about the app's face square). */
export const REFINE_MARGIN = 2.3;

/**
 * The face detected again in its own square region (REFINE_MARGIN box sides around the
 * keypoints' centre, kept inside the image), in the image's pixels. BlazeFace sees the whole
 * frame at its input size (128 px for short range), so in a 640×480 frame one input pixel is 5
 * frame pixels and the eye keypoints move by several pixels from one detection to the next; in
 * the face's region one input pixel is about 2 face-box sides / 128. Returns `face` unchanged
 * when the region shows no face with a score ≥ `scoreThreshold`.
 */
export async function refineFace(
  detector: Pick<FaceDetector, 'detect'>,
  pixels: PixelSource,
  face: Face,
  scoreThreshold = 0.5,
): Promise<Face> {
  const [width, height] = pixels instanceof tf.Tensor ? [pixels.shape[1], pixels.shape[0]] : [pixels.width, pixels.height];
  const square = faceSquare(face, width, height, { centre: 'keypoints', marginFactor: REFINE_MARGIN, offsetX: 0, offsetY: 0 });
  const region = warpChip(pixels, squareTransform(square, square.size), square.size);
  let found: Face[];
  try {
    found = await detector.detect(region);
  } finally {
    region.dispose();
  }
  const best = largestFace(found, scoreThreshold);
  if (best === null) return face;
  const f = best.face;
  return {
    score: f.score,
    box: { ...f.box, x: f.box.x + square.x, y: f.box.y + square.y },
    keypoints: f.keypoints.map((k) => ({ name: k.name, x: k.x + square.x, y: k.y + square.y })),
  };
}
