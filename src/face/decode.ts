/**
 * Decoding of the BlazeFace output tensor into faces: box and keypoint regression relative to the
 * anchors, sigmoid scores, weighted non-maximum suppression. Plain arrays, no tf.js. The constants
 * are those of MediaPipe's `TensorsToDetectionsCalculator` and `NonMaxSuppressionCalculator` in the
 * face detection graphs.
 */
import type { Anchors } from './anchors';

/** The six BlazeFace keypoints, in the model's output order (the person's right eye first). */
export const KEYPOINT_NAMES = ['rightEye', 'leftEye', 'noseTip', 'mouthCenter', 'rightEarTragion', 'leftEarTragion'] as const;
export type KeypointName = (typeof KEYPOINT_NAMES)[number];

export interface Keypoint {
  readonly name: KeypointName;
  readonly x: number;
  readonly y: number;
}

/** Axis-aligned box; (x, y) is the top-left corner. */
export interface FaceBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Face {
  readonly box: FaceBox;
  /** Sigmoid of the model's logit, in [0, 1]. */
  readonly score: number;
  readonly keypoints: readonly Keypoint[];
}

/** Values per anchor: 1 logit, then 4 box values (x, y, w, h) and 6 keypoints (x, y). */
export const VALUES_PER_ANCHOR = 1 + 4 + 2 * KEYPOINT_NAMES.length;
/** MediaPipe clips logits to ±100 before the sigmoid. */
const SCORE_CLIP = 100;

const sigmoid = (v: number) => 1 / (1 + Math.exp(-Math.min(SCORE_CLIP, Math.max(-SCORE_CLIP, v))));

/**
 * Faces with a score of at least `minScore`, before suppression, in coordinates normalised to the
 * model input ([0, 1] across the input square). `raw` is one image's output, `anchors.count` rows
 * of `VALUES_PER_ANCHOR` values in input pixels relative to the anchor centre.
 */
export function decodeDetections(raw: ArrayLike<number>, anchors: Anchors, inputSize: number, minScore: number): Face[] {
  if (raw.length !== anchors.count * VALUES_PER_ANCHOR) {
    throw new Error(`decodeDetections: expected ${anchors.count}×${VALUES_PER_ANCHOR} values, got ${raw.length}`);
  }
  const faces: Face[] = [];
  for (let i = 0; i < anchors.count; i++) {
    const o = i * VALUES_PER_ANCHOR;
    const score = sigmoid(raw[o]!);
    if (score < minScore) continue;
    const ax = anchors.x[i]!;
    const ay = anchors.y[i]!;
    const cx = raw[o + 1]! / inputSize + ax;
    const cy = raw[o + 2]! / inputSize + ay;
    const w = raw[o + 3]! / inputSize;
    const h = raw[o + 4]! / inputSize;
    if (!(w > 0 && h > 0)) continue;
    const keypoints = KEYPOINT_NAMES.map((name, k) => ({
      name,
      x: raw[o + 5 + 2 * k]! / inputSize + ax,
      y: raw[o + 6 + 2 * k]! / inputSize + ay,
    }));
    faces.push({ box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, score, keypoints });
  }
  return faces;
}

export function intersectionOverUnion(a: FaceBox, b: FaceBox): number {
  const iw = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const ih = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * MediaPipe's weighted non-maximum suppression: the best face absorbs every face overlapping it
 * by more than `iouThreshold`, its box and keypoints become the score-weighted mean of the group,
 * its score stays the best score. Returns faces by descending score.
 */
export function weightedNms(faces: readonly Face[], iouThreshold: number): Face[] {
  let remaining = faces.slice().sort((a, b) => b.score - a.score);
  const out: Face[] = [];
  while (remaining.length > 0) {
    const best = remaining[0]!;
    const group: Face[] = [];
    const rest: Face[] = [];
    for (const f of remaining) (intersectionOverUnion(best.box, f.box) > iouThreshold ? group : rest).push(f);
    remaining = rest.filter((f) => f !== best);
    if (group.length <= 1) {
      out.push(best); // alone (or a degenerate box, which does not overlap itself)
      continue;
    }
    const total = group.reduce((s, f) => s + f.score, 0);
    const mean = (pick: (f: Face) => number) => group.reduce((s, f) => s + f.score * pick(f), 0) / total;
    const x1 = mean((f) => f.box.x);
    const y1 = mean((f) => f.box.y);
    const x2 = mean((f) => f.box.x + f.box.width);
    const y2 = mean((f) => f.box.y + f.box.height);
    out.push({
      box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 },
      score: best.score,
      keypoints: best.keypoints.map((k, j) => ({ name: k.name, x: mean((f) => f.keypoints[j]!.x), y: mean((f) => f.keypoints[j]!.y) })),
    });
  }
  return out;
}
