/**
 * LFW pair matching of the face-recognition tower in Node, with the app's own code: the official
 * View 1 pairs files scored as tools/lfw/pairs.ts scores the Koch tower, so that the two sit side
 * by side in the bench's pairs part.
 *
 * Each distinct photo is read once, cut into the app's 150×150 chip (chips.ts 'aligned':
 * locateFace → refineFace → alignFace with DEFAULT_ALIGN) and described by the shipped backbone
 * (src/facerec describe, batches of 8). A pair is then scored two ways from the two descriptors:
 * - **head**: the shipped, calibrated Siamese head (public/models/face-recognition-head), P(same)
 *   = sigmoid(headLogits), as the app verifies before any training; thresholds are fitted on its
 *   logits (same ranking, no float32 saturation) and reported as probabilities;
 * - **Euclidean**: the plain distance of the two descriptors (dlib's own rule: same person below
 *   about 0.6); its thresholds and means are reported as distances.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, disposeHead, headLogits, stackDescriptors } from '../../src/facerec';
import { decodeJpeg } from '../codec';
import {
  HEAD_TOLERANCE,
  PairsError,
  summarize,
  summarizeHead,
  startDevPairs,
  type PairRow,
  type PairsFileInfo,
  type ScoreSummary,
} from '../lfw';
import { alignedChips, type ChipFunction } from './chips';
import { loadBackboneFromDisk, loadHeadFromDisk } from './model-files';

/** Euclidean distance of two descriptors. */
export function euclidean(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new PairsError('bad-option', `descriptors of ${a.length} and ${b.length} values`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}

export interface DescribeOptions {
  /** Chips per backbone forward (default 8). */
  readonly batchSize?: number;
  /** Called after each batch. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The descriptor of each distinct photo (paths relative to `lfwDir`): decode, chip, backbone. */
export async function describePhotos(
  backbone: tf.LayersModel,
  chips: ChipFunction,
  lfwDir: string,
  photos: readonly string[],
  options: DescribeOptions = {},
): Promise<Map<string, Float32Array>> {
  const batchSize = options.batchSize ?? 8;
  const todo = [...new Set(photos)];
  const out = new Map<string, Float32Array>();
  for (let i = 0; i < todo.length; i += batchSize) {
    const batch = todo.slice(i, i + batchSize);
    const made = [];
    for (const p of batch) made.push(await chips.chip(p, decodeJpeg(new Uint8Array(await readFile(path.join(lfwDir, p))), p)));
    const ds = await describe(backbone, made);
    batch.forEach((p, k) => out.set(p, ds[k]!));
    options.onProgress?.(Math.min(i + batchSize, todo.length), todo.length);
  }
  return out;
}

/** Per-pair values of a list of pairs, in its order. */
export interface FaceRecScored {
  readonly rows: readonly PairRow[];
  /** The head's logit (P(same) = sigmoid(logit)). */
  readonly logits: readonly number[];
  /** The head's output, P(same). */
  readonly scores: readonly number[];
  /** Euclidean distance of the two descriptors. */
  readonly distances: readonly number[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Scores pairs from cached descriptors: the head (batched headLogits) and the Euclidean distance. */
export function scoreDescribedPairs(
  head: tf.LayersModel,
  descriptors: ReadonlyMap<string, Float32Array>,
  rows: readonly PairRow[],
): FaceRecScored {
  const of = (p: string) => {
    const d = descriptors.get(p);
    if (!d) throw new PairsError('bad-option', `no descriptor for ${p}`);
    return d;
  };
  const a = rows.map((r) => of(r.left));
  const b = rows.map((r) => of(r.right));
  const logits = Array.from(headLogits(head, a, b));
  return { rows, logits, scores: logits.map(sigmoid), distances: a.map((x, i) => euclidean(x, b[i]!)) };
}

/**
 * The largest difference between `scored`'s P(same) and the head model's own prediction on the
 * same descriptors, over its first `n` pairs: headLogits must be the head.
 */
export function checkFaceRecHead(
  head: tf.LayersModel,
  descriptors: ReadonlyMap<string, Float32Array>,
  scored: FaceRecScored,
  n = 4,
): { pairs: number; maxAbsDiff: number } {
  const rows = scored.rows.slice(0, n);
  if (rows.length === 0) return { pairs: 0, maxAbsDiff: 0 };
  const whole = tf.tidy(() => {
    const a = stackDescriptors(rows.map((r) => descriptors.get(r.left)!));
    const b = stackDescriptors(rows.map((r) => descriptors.get(r.right)!));
    return Array.from((head.predict([a, b]) as tf.Tensor).dataSync());
  });
  return { pairs: rows.length, maxAbsDiff: Math.max(...whole.map((s, i) => Math.abs(s - scored.scores[i]!))) };
}

/** The head's summary: thresholds fitted on logits, reported as P(same); accuracy at 0.5 (its calibrated point). */
export type FaceRecHeadSummary = ScoreSummary & {
  /** devTrainThreshold as a logit. */
  readonly devTrainLogitThreshold: number;
  /** Accuracy at output 0.5, where the shipped head is calibrated (FAR 0.5 % on held-out dev-train people). */
  readonly devTrainAccuracyAt05: number;
  readonly devTestAccuracyAt05: number;
  /** headLogits vs the head model's own prediction, on the first dev-test pairs. */
  readonly headCheck: { readonly pairs: number; readonly maxAbsDiff: number };
};

/**
 * The head and Euclidean summaries of scored dev-train and dev-test pairs. The distance is summarized
 * as a score (−distance: higher = more alike), then its thresholds and means are turned back into
 * distances (same person below the threshold).
 */
export function summarizeFaceRec(
  train: FaceRecScored,
  test: FaceRecScored,
  headCheck: FaceRecHeadSummary['headCheck'],
): { head: FaceRecHeadSummary; euclidean: ScoreSummary } {
  const negated = summarize(
    train.rows,
    train.distances.map((d) => -d),
    test.rows,
    test.distances.map((d) => -d),
  );
  return {
    head: summarizeHead(train, test, headCheck),
    euclidean: {
      ...negated,
      devTrainThreshold: -negated.devTrainThreshold,
      devTestTenFold: {
        ...negated.devTestTenFold,
        minThreshold: -negated.devTestTenFold.maxThreshold,
        maxThreshold: -negated.devTestTenFold.minThreshold,
      },
      devTestMeanSame: -negated.devTestMeanSame,
      devTestMeanDifferent: -negated.devTestMeanDifferent,
    },
  };
}

export interface FaceRecPairsOptions {
  /** LFW folder (<Person>/<photo>.jpg); default ../shared/data/lfw. */
  readonly data?: string;
  /** Folder of the pairs files; default ../shared/data/lfw-meta. */
  readonly meta?: string;
  /** At most this many pairs per file (seeded, stratified subsample, as tools/lfw draws it); 0 or absent = all. */
  readonly limit?: number;
  readonly seed: number;
  /** Drop pairs showing any of these people. */
  readonly excludePeople?: readonly string[];
  /** tf.js backend (default wasm: single-threaded SIMD in Node). */
  readonly backend?: 'wasm' | 'cpu';
  /** Folder of the backbone's weight files (default the shipped public/models/face-recognition). */
  readonly backboneDir?: string;
  /** The app's public folder, holding models/face-recognition-head/ (default the project's). */
  readonly publicDir?: string;
  /** The chip function (default chips.ts 'aligned' with the app's detector); the caller keeps one it passes. */
  readonly chips?: ChipFunction;
  /** Chips per backbone forward (default 8). */
  readonly batchSize?: number;
  /** Progress messages (photos described per file). */
  readonly onProgress?: (message: string) => void;
}

export interface FaceRecPairsResult {
  readonly tower: 'facerec';
  readonly head: FaceRecHeadSummary;
  /** Plain Euclidean distance of the descriptors: thresholds and means are distances. */
  readonly euclidean: ScoreSummary;
  readonly files: { readonly devTrain: PairsFileInfo; readonly devTest: PairsFileInfo };
  /** The chip function, the photos it cut and those where no face was found (a fallback chip used). */
  readonly chip: { readonly name: string; readonly photos: number; readonly noFace: number; readonly description: string };
  /** Hashes of the backbone's manifest and of the head's model.json. */
  readonly backboneVersion: string;
  readonly headVersion: string;
  /** The head's calibration: its bias moved by −biasShift from the trained value. */
  readonly headBiasShift: number;
  readonly backend: string;
  /** Wall time of the whole run, models included. */
  readonly seconds: number;
  /** Decode, chip and backbone per distinct photo, ms. */
  readonly msPerPhoto: number;
  readonly limit: number;
  readonly seed: number;
}

/**
 * Scores pairs-dev-train.tsv and pairs-dev-test.tsv with the face-recognition tower (see the top
 * of this file). Throws PairsError 'head-mismatch' when headLogits and the head model differ by
 * more than HEAD_TOLERANCE. Leaves no tensors behind.
 */
export async function runFaceRecPairs(options: FaceRecPairsOptions): Promise<FaceRecPairsResult> {
  const t0 = performance.now();
  const { data, train, test } = await startDevPairs(options);
  const backbone = await loadBackboneFromDisk(options.backboneDir);
  let head: Awaited<ReturnType<typeof loadHeadFromDisk>> | undefined;
  let chips: ChipFunction | undefined;
  try {
    head = await loadHeadFromDisk(options.publicDir);
    chips = options.chips ?? (await alignedChips());
    const describeStart = performance.now();
    const described = async (f: typeof train) =>
      describePhotos(
        backbone.model,
        chips!,
        data,
        f.rows.flatMap((r) => [r.left, r.right]),
        {
          batchSize: options.batchSize,
          onProgress: (done, n) => options.onProgress?.(`${f.info.file}: ${done}/${n} photos described`),
        },
      );
    const trainDescriptors = await described(train);
    const testDescriptors = await described(test);
    const photos = chips.photos();
    const msPerPhoto = (performance.now() - describeStart) / Math.max(1, trainDescriptors.size + testDescriptors.size);
    const trainScored = scoreDescribedPairs(head.head, trainDescriptors, train.rows);
    const testScored = scoreDescribedPairs(head.head, testDescriptors, test.rows);
    const headCheck = checkFaceRecHead(head.head, testDescriptors, testScored);
    if (!(headCheck.maxAbsDiff <= HEAD_TOLERANCE)) {
      throw new PairsError(
        'head-mismatch',
        `headLogits differs from the head model by ${headCheck.maxAbsDiff} (> ${HEAD_TOLERANCE}) on the first dev-test pairs`,
      );
    }
    return {
      tower: 'facerec',
      ...summarizeFaceRec(trainScored, testScored, headCheck),
      files: {
        devTrain: { ...train.info, photos: trainDescriptors.size },
        devTest: { ...test.info, photos: testDescriptors.size },
      },
      chip: { name: chips.name, photos, noFace: chips.noFace().length, description: chips.describe() },
      backboneVersion: backbone.version,
      headVersion: head.version,
      headBiasShift: head.biasShift,
      backend: tf.getBackend(),
      seconds: (performance.now() - t0) / 1000,
      msPerPhoto,
      limit: options.limit ?? 0,
      seed: options.seed,
    };
  } finally {
    if (chips && chips !== options.chips) chips.dispose();
    if (head) disposeHead(head.head);
    backbone.model.dispose();
  }
}
