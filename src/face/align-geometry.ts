/**
 * Face alignment geometry: the similarity transform that maps a BlazeFace face onto the square
 * chip the dlib face-recognition network expects. Plain arithmetic, no tf.js (the warp itself is
 * in align.ts).
 *
 * dlib cuts its chips with `get_face_chip_details(shape, 150, 0.25)`: it fits the face's landmarks
 * to a mean face shape whose coordinates span [0, 1] (the eyebrows' outer ends on the sides, the
 * brows' top to the chin), with `padding` times that span added on every side:
 * chip = (padding + u) / (1 + 2 · padding) · size. BlazeFace gives no 68 landmarks, but its eyes,
 * nose tip and mouth centre have counterparts in that mean shape (the means of the eye contours,
 * point 30, the mean of the lip contours), so the same template places them in the chip.
 *
 * Coordinates are continuous pixels: a pixel (column i, row j) covers [i, i + 1) × [j, j + 1), so
 * its centre is (i + 0.5, j + 0.5); y grows downwards.
 */
import type { Keypoint, KeypointName } from './decode';

export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * A similarity transform (rotation, uniform scale, translation):
 * x' = a·x − b·y + tx, y' = b·x + a·y + ty. Its scale is hypot(a, b), its angle atan2(b, a).
 */
export interface Similarity {
  readonly a: number;
  readonly b: number;
  readonly tx: number;
  readonly ty: number;
}

/** Which distances set the chip's scale. */
export type AlignScale = 'eyes' | 'eyesMouth';

export interface AlignConfig {
  /** Side of the square chip in pixels: 150 for the dlib network. */
  readonly size: number;
  /**
   * dlib's padding: the margin added on each side of the mean face shape, as a fraction of its
   * span. 0.25 is what dlib's face recognition example uses; larger shows more hair and chin.
   */
  readonly padding: number;
  /**
   * 'eyes': the eye distance sets the scale, the eye midpoint lands on the template's.
   * 'eyesMouth': eye distance plus the eye-to-mouth height set it (the sum changes less with
   * head turn or nod than either alone); the point half-way down from the eye midpoint to the
   * mouth's level lands on the template's.
   * Either way the rotation makes the eyes level.
   */
  readonly scale: AlignScale;
}

/**
 * The default chip, dlib's own margin with the eyes-and-mouth scale: of the chips measured on the
 * LFW dev-test pairs (scripts/measure-alignment.ts, scripts/results/alignment.json) it ranked the
 * pairs best, with keypoints from refineFace. Padding 0.1 and 0.4 ranked worse than 0.25, and so
 * did the app's face square resized to 150 and the photo's central crop.
 */
export const DEFAULT_ALIGN: AlignConfig = { size: 150, padding: 0.25, scale: 'eyesMouth' };

export class AlignConfigError extends Error {
  constructor(
    readonly field: keyof AlignConfig,
    readonly value: unknown,
    reason: string,
  ) {
    super(`AlignConfig.${field} = ${String(value)}: ${reason}`);
    this.name = 'AlignConfigError';
  }
}

/** The defaults with `partial` over them, checked; never mutates `partial`. */
export function validateAlignConfig(partial: Partial<AlignConfig> = {}): AlignConfig {
  const c = { ...DEFAULT_ALIGN, ...partial };
  if (!(Number.isInteger(c.size) && c.size >= 8 && c.size <= 1024))
    throw new AlignConfigError('size', c.size, 'expected an integer in [8, 1024]');
  if (!(Number.isFinite(c.padding) && c.padding >= 0 && c.padding <= 2))
    throw new AlignConfigError('padding', c.padding, 'expected a number in [0, 2]');
  if (c.scale !== 'eyes' && c.scale !== 'eyesMouth') throw new AlignConfigError('scale', c.scale, "expected 'eyes' or 'eyesMouth'");
  return c;
}

/**
 * dlib's mean face shape (`get_face_chip_details`, points of the 68-point scheme) for the points
 * that have BlazeFace counterparts, in [0, 1] template units.
 */
const MEAN_SHAPE = {
  /** Points 36–41, the contour of the person's right eye (the image's left). */
  rightEye: {
    x: [0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743],
    y: [0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077],
  },
  /** Points 42–47, the person's left eye. */
  leftEye: {
    x: [0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335],
    y: [0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099],
  },
  /** Point 30, the nose tip. */
  noseTip: { x: [0.490127], y: [0.515625] },
  /** Points 48–67, the outer and inner lip contours. */
  mouthCenter: {
    x: [
      0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721, 0.490127, 0.423532, 0.338094, 0.290379,
      0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127, 0.42689,
    ],
    y: [
      0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192, 0.909281, 0.902192, 0.864805, 0.784792,
      0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182,
    ],
  },
} as const;

const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

export type TemplatePoint = 'rightEye' | 'leftEye' | 'noseTip' | 'mouthCenter';

/** Where the eyes, nose tip and mouth centre of the mean face land in a chip of this config. */
export function chipTemplate(config: Pick<AlignConfig, 'size' | 'padding'> = DEFAULT_ALIGN): Record<TemplatePoint, Point> {
  const place = (u: number) => ((config.padding + u) / (1 + 2 * config.padding)) * config.size;
  const at = (p: { x: readonly number[]; y: readonly number[] }): Point => ({ x: place(mean(p.x)), y: place(mean(p.y)) });
  return {
    rightEye: at(MEAN_SHAPE.rightEye),
    leftEye: at(MEAN_SHAPE.leftEye),
    noseTip: at(MEAN_SHAPE.noseTip),
    mouthCenter: at(MEAN_SHAPE.mouthCenter),
  };
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

export function invertSimilarity(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  if (!(d > 0)) throw new Error('invertSimilarity: the transform has zero scale');
  const a = t.a / d;
  const b = -t.b / d;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

export function similarityScale(t: Similarity): number {
  return Math.hypot(t.a, t.b);
}

/** The transform of a plain square region resized to a size×size chip (no rotation). */
export function squareTransform(square: { readonly x: number; readonly y: number; readonly size: number }, size: number): Similarity {
  if (!(square.size > 0)) throw new Error(`squareTransform: empty square of side ${square.size}`);
  const s = size / square.size;
  return { a: s, b: 0, tx: -square.x * s, ty: -square.y * s };
}

function keypoint(keypoints: readonly Keypoint[], name: KeypointName): Point {
  const k = keypoints.find((p) => p.name === name);
  if (k === undefined || !Number.isFinite(k.x) || !Number.isFinite(k.y))
    throw new Error(`alignmentTransform: the face has no ${name} keypoint`);
  return k;
}

/**
 * The similarity from image pixels to chip pixels for a face's keypoints: rotated so that the
 * eyes are level (the person's right eye on the chip's left), scaled and placed as the config's
 * `scale` says. Throws when the eyes (or, for 'eyesMouth', the mouth) are missing or coincide.
 */
export function alignmentTransform(keypoints: readonly Keypoint[], config: AlignConfig = DEFAULT_ALIGN): Similarity {
  const template = chipTemplate(config);
  const right = keypoint(keypoints, 'rightEye');
  const left = keypoint(keypoints, 'leftEye');
  const ex = left.x - right.x;
  const ey = left.y - right.y;
  const eyeDistance = Math.hypot(ex, ey);
  if (!(eyeDistance > 1e-6)) throw new Error('alignmentTransform: the eyes coincide');
  // Unit vectors along the eye line (image) and its normal pointing down the face.
  const ux = ex / eyeDistance;
  const uy = ey / eyeDistance;
  const mid = { x: (right.x + left.x) / 2, y: (right.y + left.y) / 2 };
  const tMid = { x: (template.rightEye.x + template.leftEye.x) / 2, y: (template.rightEye.y + template.leftEye.y) / 2 };
  const tEyeDistance = template.leftEye.x - template.rightEye.x;

  let scale: number;
  let from: Point; // an image point …
  let to: Point; // … and where it lands in the chip
  if (config.scale === 'eyes') {
    scale = tEyeDistance / eyeDistance;
    from = mid;
    to = tMid;
  } else {
    const mouth = keypoint(keypoints, 'mouthCenter');
    // The mouth's height below the eye line (its offset along the normal (−uy, ux)).
    const height = (mouth.x - mid.x) * -uy + (mouth.y - mid.y) * ux;
    const tHeight = template.mouthCenter.y - tMid.y;
    if (!(height > 1e-6)) throw new Error('alignmentTransform: the mouth is not below the eyes');
    scale = (tEyeDistance + tHeight) / (eyeDistance + height);
    from = { x: mid.x - (uy * height) / 2, y: mid.y + (ux * height) / 2 };
    to = { x: tMid.x, y: tMid.y + tHeight / 2 };
  }
  // Rotation by −angle of the eye line: a = s·cos(−θ) = s·ux, b = s·sin(−θ) = −s·uy.
  const a = scale * ux;
  const b = -scale * uy;
  return { a, b, tx: to.x - (a * from.x - b * from.y), ty: to.y - (b * from.x + a * from.y) };
}
