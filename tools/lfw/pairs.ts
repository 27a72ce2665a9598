/**
 * LFW pair matching in Node with the app's own code: scores the official View 1 pairs files
 * (pairs-dev-train.tsv, pairs-dev-test.tsv) with a Siamese model and reports ROC AUC and accuracy,
 * next to a raw-pixel baseline.
 *
 * Each photo is read once: its crop (crop.ts: the app's face crop by default, or the whole
 * 250×250 photo) goes through the app's preprocess (src/model: bilinear resize with half-pixel
 * centres to the model's input, scaled to [0, 1]), one tower pass gives its embedding, and a pair's score is the model's own Dense head on |e1 − e2| — the way
 * src/verify's verifier scores frames against cached embeddings. `runPairs` checks on a few pairs
 * that this equals the whole Siamese network's prediction (to 1e-5).
 *
 * Loaded through Vite's module runner (scripts/bench.mjs, scripts/pretrain/calibrate.mjs) or vitest.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { asKochConfig, validateKochConfig, type KochConfig } from '../../src/config';
import { deriveSeed, importSquare, shuffled, type Square } from '../../src/data';
import { disposeNetwork, LAYER_NAMES, preprocessBatch, wrapSiamese, type SiameseNetwork } from '../../src/model';
import { useCpuBackend, useWasmBackend } from '../common/node-backend';
import { decodeJpeg, type Rgba } from '../codec';
import { accuracyAt, bestAccuracyThreshold, equalErrorRate, kFoldAccuracy, rocAuc } from '../common';
import { createPhotoCropper, wholePhotoCropper, type PhotoCrop, type PhotoCropper } from './crop';
import { fileModelHandler } from './model-files';
import { errorMessage } from '../../src/common';

/** One line of a pairs file: photo paths relative to the LFW folder, and whether they show the same person. */
export interface PairRow {
  readonly left: string;
  readonly right: string;
  readonly same: boolean;
}

export const PAIR_FILES = { devTrain: 'pairs-dev-train.tsv', devTest: 'pairs-dev-test.tsv' } as const;

/** Largest difference allowed between the head on cached embeddings and the whole network. */
export const HEAD_TOLERANCE = 1e-5;

export type PairsErrorCode = 'bad-pairs-file' | 'bad-option' | 'head-mismatch' | 'bad-model';

export class PairsError extends Error {
  constructor(
    readonly code: PairsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PairsError';
  }
}

/** The person of a photo path `<Person>/<Person>_NNNN.jpg`. */
export const personOf = (photo: string): string => photo.split('/')[0]!;

/** Reads a pairs TSV (header `left\tright\tsame`, `same` 1 or 0). */
export async function readPairsFile(file: string): Promise<PairRow[]> {
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split('\t') ?? [];
  if (header[0] !== 'left' || header[1] !== 'right' || header[2] !== 'same') {
    throw new PairsError('bad-pairs-file', `${file}: expected the header "left<TAB>right<TAB>same", got "${lines[0] ?? ''}"`);
  }
  return lines.slice(1).map((line, i) => {
    const [left, right, same] = line.split('\t');
    if (!left || !right || (same !== '1' && same !== '0'))
      throw new PairsError('bad-pairs-file', `${file}, line ${i + 2}: "${line}" is not "left<TAB>right<TAB>1|0"`);
    return { left, right, same: same === '1' };
  });
}

export interface SelectPairsOptions {
  /** At most this many pairs, half same-person (rounded up), half different (0 = all). */
  readonly limit: number;
  readonly seed: number;
  /** Pairs with a photo of any of these people are dropped (before the limit applies). */
  readonly excludePeople?: readonly string[];
  /** Salt for the seed, so that two files subsampled with one seed draw independently. */
  readonly salt?: number;
}

/**
 * The pairs to score: without the excluded people, then a seeded subsample of at most `limit`
 * pairs (stratified by class), in file order (so that k-fold folds are dealt as for all pairs).
 */
export function selectPairs(rows: readonly PairRow[], { limit, seed, excludePeople = [], salt = 0 }: SelectPairsOptions): PairRow[] {
  if (!Number.isInteger(limit) || limit < 0) throw new PairsError('bad-option', `limit ${limit} is not a whole number ≥ 0`);
  const excluded = new Set(excludePeople);
  const kept = rows
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => !excluded.has(personOf(row.left)) && !excluded.has(personOf(row.right)));
  if (limit === 0 || limit >= kept.length) return kept.map((k) => k.row);
  const base = deriveSeed(seed, salt);
  const same = shuffled(
    kept.filter((k) => k.row.same),
    deriveSeed(base, 1),
  );
  const different = shuffled(
    kept.filter((k) => !k.row.same),
    deriveSeed(base, 0),
  );
  const nSame = Math.min(same.length, Math.max(limit - different.length, Math.ceil(limit / 2)));
  const chosen = [...same.slice(0, nSame), ...different.slice(0, limit - nSame)];
  return chosen.sort((a, b) => a.index - b.index).map((k) => k.row);
}

/** Reads the model's architecture from its layers (for wrapSiamese; any Siamese model of src/model). */
function configOf(model: tf.LayersModel): KochConfig {
  const embedding = model.getLayer(LAYER_NAMES.embedding) as unknown as tf.LayersModel;
  const conv = [1, 2, 3, 4].map((i) => embedding.getLayer(`conv${i}`).getConfig());
  const pool = embedding.getLayer('pool1').getConfig().poolSize;
  const inputShape = embedding.inputs[0]!.shape;
  const outputShape = embedding.outputs[0]!.shape;
  const firstOf = (v: unknown) => Number(Array.isArray(v) ? v[0] : v);
  return validateKochConfig({
    inputSize: Number(inputShape[1]),
    embeddingSize: Number(outputShape[1]),
    filters: conv.map((c) => Number(c.filters)) as unknown as KochConfig['filters'],
    kernels: conv.map((c) => firstOf(c.kernelSize)) as unknown as KochConfig['kernels'],
    pool: firstOf(pool) === 2 ? 'paper' : 'notebook',
  });
}

/**
 * Loads a Siamese model saved in the tf.js layers format: an http(s) URL of its model.json, or a
 * folder (or file:// URL) holding model.json and its weight files. The L1Dist layer is registered
 * by importing src/model.
 */
export async function loadPairsNetwork(modelUrlOrDir: string): Promise<SiameseNetwork> {
  const remote = /^https?:\/\//.test(modelUrlOrDir);
  let dir = modelUrlOrDir.startsWith('file://') ? new URL(modelUrlOrDir).pathname : modelUrlOrDir;
  if (!remote && dir.endsWith('.json')) dir = path.dirname(dir);
  const model = await tf.loadLayersModel(remote ? modelUrlOrDir : fileModelHandler(path.join(dir, 'model.json')));
  try {
    return wrapSiamese(model, configOf(model));
  } catch (e) {
    model.dispose();
    throw new PairsError('bad-model', `${modelUrlOrDir} is not a Siamese network of src/model: ${errorMessage(e)}`);
  }
}

/** Frees a network from loadPairsNetwork (the app's disposeNetwork). */
export { disposeNetwork };

/** Per-pair scores of a list of pairs, in its order. */
export interface ScoredPairs {
  readonly rows: readonly PairRow[];
  /** The model's output, P(same person). */
  readonly scores: readonly number[];
  /** The classifier's input to its sigmoid (w · |e1 − e2| + b): score = sigmoid(logit). */
  readonly logits: readonly number[];
  /** Raw-pixel baseline: −mean |x1 − x2| over the preprocessed input pixels (higher = more alike). */
  readonly pixels: readonly number[];
  /** Each photo's embedding (kept so that a changed head can rescore without tower passes). */
  readonly embeddings: ReadonlyMap<string, Float32Array>;
}

export interface ScoreOptions {
  /** Photos per tower pass (default 16). */
  readonly batchSize?: number;
  /** Called after each batch of photos. */
  readonly onProgress?: (photosDone: number, photos: number) => void;
  /** How a photo is cropped (crop.ts); default the whole photo. */
  readonly cropper?: PhotoCropper;
}

/**
 * Decodes LFW photos, crops each as `cropper` says (default: the whole photo) and runs the app's
 * preprocess: [n, s, s, 3] in [0, 1].
 */
export async function loadPhotos(
  lfwDir: string,
  photos: readonly string[],
  size: number,
  cropper: PhotoCropper = wholePhotoCropper(),
): Promise<tf.Tensor4D> {
  const rgba = await Promise.all(
    photos.map(async (p): Promise<Rgba> => decodeJpeg(new Uint8Array(await readFile(path.join(lfwDir, p))), p)),
  );
  // One photo at a time through the detector (it runs tf.js ops; no need to interleave them).
  const squares: Square[] = [];
  for (const [i, p] of photos.entries()) squares.push((await cropper.square(p, rgba[i]!)) ?? importSquare(rgba[i]!.width, rgba[i]!.height));
  return preprocessBatch(rgba, size, squares);
}

/**
 * The model's head on |e1 − e2| for each pair, batched: scores through the classifier layer itself,
 * logits from its kernel and bias.
 */
export function headScores(
  net: SiameseNetwork,
  embeddings: ReadonlyMap<string, Float32Array>,
  rows: readonly PairRow[],
  batchSize = 256,
): { scores: number[]; logits: number[] } {
  const scores: number[] = [];
  const logits: number[] = [];
  const [kernel, bias] = net.classifier.getWeights();
  if (!kernel || !bias) throw new PairsError('bad-model', `the ${LAYER_NAMES.classifier} layer has no kernel and bias`);
  const dim = asKochConfig(net.config).embeddingSize;
  const stack = (photos: readonly string[]) => {
    const out = new Float32Array(photos.length * dim);
    photos.forEach((p, i) => {
      const e = embeddings.get(p);
      if (!e) throw new PairsError('bad-option', `no embedding for ${p}`);
      out.set(e, i * dim);
    });
    return tf.tensor2d(out, [photos.length, dim]);
  };
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const [s, z] = tf.tidy(() => {
      const distance = tf.abs(tf.sub(stack(batch.map((r) => r.left)), stack(batch.map((r) => r.right))));
      return [net.classifier.apply(distance) as tf.Tensor, tf.add(tf.matMul(distance, kernel), bias)];
    });
    scores.push(...s.dataSync());
    logits.push(...z.dataSync());
    tf.dispose([s, z]);
  }
  return { scores, logits };
}

/** Scores `rows`: each distinct photo embedded once, then the head per pair, and the pixel baseline. */
export async function scorePairs(
  net: SiameseNetwork,
  lfwDir: string,
  rows: readonly PairRow[],
  options: ScoreOptions = {},
): Promise<ScoredPairs> {
  const batchSize = options.batchSize ?? 16;
  const { inputSize: size, embeddingSize } = asKochConfig(net.config);
  const photos = [...new Set(rows.flatMap((r) => [r.left, r.right]))];
  const embeddings = new Map<string, Float32Array>();
  const pixelsOf = new Map<string, Float32Array>();
  const dim = embeddingSize;
  const inputLength = size * size * 3;
  for (let start = 0; start < photos.length; start += batchSize) {
    const batch = photos.slice(start, start + batchSize);
    const x = await loadPhotos(lfwDir, batch, size, options.cropper);
    const e = net.embedding.predict(x) as tf.Tensor2D;
    const [xs, es] = [x.dataSync(), e.dataSync()];
    tf.dispose([x, e]);
    batch.forEach((p, i) => {
      embeddings.set(p, Float32Array.from(es.subarray(i * dim, (i + 1) * dim)));
      pixelsOf.set(p, Float32Array.from(xs.subarray(i * inputLength, (i + 1) * inputLength)));
    });
    options.onProgress?.(Math.min(start + batchSize, photos.length), photos.length);
  }
  const pixels = rows.map((r) => {
    const [a, b] = [pixelsOf.get(r.left)!, pixelsOf.get(r.right)!];
    let sum = 0;
    for (let k = 0; k < a.length; k++) sum += Math.abs(a[k]! - b[k]!);
    return -sum / a.length;
  });
  return { rows, ...headScores(net, embeddings, rows), pixels, embeddings };
}

/**
 * The largest difference between `scored`'s scores and the whole Siamese network's prediction on
 * the same photos, over its first `n` pairs.
 */
export async function checkHead(
  net: SiameseNetwork,
  lfwDir: string,
  scored: ScoredPairs,
  n = 4,
  cropper?: PhotoCropper,
): Promise<{ pairs: number; maxAbsDiff: number }> {
  const rows = scored.rows.slice(0, n);
  if (rows.length === 0) return { pairs: 0, maxAbsDiff: 0 };
  const left = await loadPhotos(
    lfwDir,
    rows.map((r) => r.left),
    asKochConfig(net.config).inputSize,
    cropper,
  );
  const right = await loadPhotos(
    lfwDir,
    rows.map((r) => r.right),
    asKochConfig(net.config).inputSize,
    cropper,
  );
  const full = net.model.predict([left, right]) as tf.Tensor;
  const whole = Array.from(full.dataSync());
  tf.dispose([left, right, full]);
  return { pairs: rows.length, maxAbsDiff: Math.max(...whole.map((s, i) => Math.abs(s - scored.scores[i]!))) };
}

/** Splits per-pair values by class: genuine = same person, impostor = different people. */
export function byClass(rows: readonly PairRow[], values: readonly number[]): { genuine: number[]; impostor: number[] } {
  return {
    genuine: values.filter((_, i) => rows[i]!.same),
    impostor: values.filter((_, i) => !rows[i]!.same),
  };
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Pair-matching results of one score (the model's, or the pixel baseline's). */
export interface ScoreSummary {
  /** ROC AUC on the dev-test pairs. */
  readonly devTestAuc: number;
  /** Equal error rate on the dev-test pairs (FRR = FAR, interpolated). */
  readonly devTestEer: number;
  /** The best-accuracy threshold on the dev-train pairs (a score: P(same) for the model). */
  readonly devTrainThreshold: number;
  /** Accuracy on dev-train pairs at that threshold (fitted there: optimistic). */
  readonly devTrainAccuracy: number;
  /** Accuracy on dev-test pairs at the dev-train threshold. */
  readonly devTestAccuracy: number;
  /** Dev-test accuracy with a threshold fitted on 9 of 10 folds of the dev-test pairs (LFW protocol). */
  readonly devTestTenFold: {
    readonly accuracy: number;
    /** Standard deviation of the 10 folds' accuracies. */
    readonly std: number;
    readonly minThreshold: number;
    readonly maxThreshold: number;
  };
  /** Mean dev-test score of same-person and different-people pairs. */
  readonly devTestMeanSame: number;
  readonly devTestMeanDifferent: number;
}

/** Pair-matching summary of two scored pair lists (dev-train for the threshold, dev-test to measure). */
export function summarize(
  train: readonly PairRow[],
  trainValues: readonly number[],
  test: readonly PairRow[],
  testValues: readonly number[],
): ScoreSummary {
  const tr = byClass(train, trainValues);
  const te = byClass(test, testValues);
  const fitted = bestAccuracyThreshold(tr.genuine, tr.impostor);
  const cv = kFoldAccuracy(te.genuine, te.impostor, 10);
  return {
    devTestAuc: rocAuc(te.genuine, te.impostor),
    devTestEer: equalErrorRate(te.genuine, te.impostor).eer,
    devTrainThreshold: fitted.threshold,
    devTrainAccuracy: fitted.accuracy,
    devTestAccuracy: accuracyAt(te.genuine, te.impostor, fitted.threshold),
    devTestTenFold: {
      accuracy: cv.accuracy,
      std: cv.std,
      minThreshold: Math.min(...cv.thresholds),
      maxThreshold: Math.max(...cv.thresholds),
    },
    devTestMeanSame: mean(te.genuine),
    devTestMeanDifferent: mean(te.impostor),
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * A Siamese head's summary from scored dev-train and dev-test pairs: thresholds fitted on its logits
 * (same ranking as the scores, without float32 sigmoid saturation near 0 and 1) and reported as
 * scores, its means and its accuracy at 0.5. Both towers' pairs parts use it.
 */
export function summarizeHead<C>(
  train: Pick<ScoredPairs, 'rows' | 'scores' | 'logits'>,
  test: Pick<ScoredPairs, 'rows' | 'scores' | 'logits'>,
  headCheck: C,
): ScoreSummary & {
  readonly devTrainLogitThreshold: number;
  readonly devTrainAccuracyAt05: number;
  readonly devTestAccuracyAt05: number;
  readonly headCheck: C;
} {
  const tr = byClass(train.rows, train.scores);
  const te = byClass(test.rows, test.scores);
  const onLogits = summarize(train.rows, train.logits, test.rows, test.logits);
  return {
    ...onLogits,
    devTrainThreshold: sigmoid(onLogits.devTrainThreshold),
    devTrainLogitThreshold: onLogits.devTrainThreshold,
    devTestTenFold: {
      ...onLogits.devTestTenFold,
      minThreshold: sigmoid(onLogits.devTestTenFold.minThreshold),
      maxThreshold: sigmoid(onLogits.devTestTenFold.maxThreshold),
    },
    devTestMeanSame: mean(te.genuine),
    devTestMeanDifferent: mean(te.impostor),
    devTrainAccuracyAt05: accuracyAt(tr.genuine, tr.impostor, 0.5),
    devTestAccuracyAt05: accuracyAt(te.genuine, te.impostor, 0.5),
    headCheck,
  };
}

/**
 * The model and pixel-baseline parts of a PairsResult from scored dev-train and dev-test pairs.
 * The model's thresholds are fitted on its logits (same ranking as the scores, without float32
 * sigmoid saturation near 0 and 1) and reported as scores.
 */
export function summarizeScored(
  train: ScoredPairs,
  test: ScoredPairs,
  headCheck: PairsResult['model']['headCheck'],
): Pick<PairsResult, 'model' | 'pixels'> {
  return {
    model: summarizeHead(train, test, headCheck),
    pixels: summarize(train.rows, train.pixels, test.rows, test.pixels),
  };
}

export interface PairsFileInfo {
  readonly file: string;
  /** Pairs scored (after exclusion and the limit). */
  readonly pairs: number;
  readonly same: number;
  readonly different: number;
  /** Distinct photos embedded. */
  readonly photos: number;
  /** Pairs of the file dropped because they show an excluded person. */
  readonly excluded: number;
}

export interface PairsResult {
  readonly model: ScoreSummary & {
    /** devTrainThreshold as a logit (the classifier's input to its sigmoid). */
    readonly devTrainLogitThreshold: number;
    /** Accuracy at the app's detection threshold 0.5, dev-train and dev-test pairs. */
    readonly devTrainAccuracyAt05: number;
    readonly devTestAccuracyAt05: number;
    /** Head on cached embeddings vs the whole network, on the first dev-test pairs. */
    readonly headCheck: { readonly pairs: number; readonly maxAbsDiff: number };
  };
  /** Raw-pixel baseline: score −mean |x1 − x2| of the preprocessed (e.g. 100×100×3) pixels. */
  readonly pixels: ScoreSummary;
  readonly files: { readonly devTrain: PairsFileInfo; readonly devTest: PairsFileInfo };
  /** How the photos were cropped (crop.ts), and what the face crop met. */
  readonly crop: CropInfo;
  readonly modelUrlOrDir: string;
  readonly backend: string;
  /** Wall time of the whole run, model load included. */
  readonly seconds: number;
  readonly limit: number;
  readonly seed: number;
}

export interface CropInfo {
  readonly mode: PhotoCrop;
  /** Distinct photos cropped. */
  readonly photos: number;
  /** Photos with no face found (the whole photo used); 0 for 'photo'. */
  readonly noFace: number;
  /** Photos whose face square was shifted or shrunk into the photo. */
  readonly clamped: number;
}

/** What a cropper did, for a report. */
export const cropInfo = (c: PhotoCropper): CropInfo => ({ mode: c.crop, photos: c.seen(), noFace: c.noFace.size, clamped: c.clamped.size });

export interface PairsOptions {
  /** LFW folder (<Person>/<photo>.jpg); default ../shared/data/lfw. */
  readonly data?: string;
  /** Folder of the pairs files; default ../shared/data/lfw-meta. */
  readonly meta?: string;
  /** The model: an http(s) URL of model.json or a folder holding it. */
  readonly modelUrlOrDir: string;
  /** At most this many pairs per file (seeded, stratified subsample); 0 or absent = all. */
  readonly limit?: number;
  readonly seed: number;
  /** Drop pairs showing any of these people (e.g. the enrolment benchmark's target people). */
  readonly excludePeople?: readonly string[];
  /** tf.js backend (default wasm: single-threaded SIMD in Node). */
  readonly backend?: 'wasm' | 'cpu';
  /** How photos are cropped (crop.ts): default 'face', the app's face crop. */
  readonly crop?: PhotoCrop;
  /** Progress messages (photos embedded per file). */
  readonly onProgress?: (message: string) => void;
}

/**
 * The pairs of one file to score (excluded people dropped, then the seeded subsample; `salt`
 * makes each file's subsample independent), and how many the exclusion dropped.
 */
export async function pairsFromFile(
  meta: string,
  file: string,
  options: Pick<PairsOptions, 'limit' | 'seed' | 'excludePeople'>,
  salt: number,
): Promise<{ rows: PairRow[]; info: Omit<PairsFileInfo, 'photos'> }> {
  const all = await readPairsFile(path.join(meta, file));
  const withoutExcluded = selectPairs(all, { limit: 0, seed: options.seed, excludePeople: options.excludePeople ?? [] });
  const rows = selectPairs(withoutExcluded, { limit: options.limit ?? 0, seed: options.seed, salt });
  const same = rows.filter((r) => r.same).length;
  return { rows, info: { file, pairs: rows.length, same, different: rows.length - same, excluded: all.length - withoutExcluded.length } };
}

/** The photos of `rows` (distinct, in first-seen order) that are not files under `lfwDir`. */
export async function missingPhotos(lfwDir: string, rows: readonly PairRow[]): Promise<string[]> {
  const photos = [...new Set(rows.flatMap((r) => [r.left, r.right]))];
  const found = await Promise.all(
    photos.map((p) =>
      stat(path.join(lfwDir, p)).then(
        (s) => s.isFile(),
        () => false,
      ),
    ),
  );
  return photos.filter((_, i) => !found[i]);
}

/** Default LFW folders, relative to the project root (the working directory). */
export const DEFAULT_DATA = { data: '../shared/data/lfw', meta: '../shared/data/lfw-meta' } as const;

/**
 * The start of a pairs run, for either tower: the chosen tf.js backend, and the dev-train and
 * dev-test pairs files read (subsampled as asked); both must keep same-person and different-people
 * pairs. `data` is the LFW folder, resolved.
 */
export async function startDevPairs(
  options: Pick<PairsOptions, 'data' | 'meta' | 'limit' | 'backend'> & Parameters<typeof pairsFromFile>[2],
): Promise<{ data: string; train: Awaited<ReturnType<typeof pairsFromFile>>; test: Awaited<ReturnType<typeof pairsFromFile>> }> {
  const data = path.resolve(options.data ?? DEFAULT_DATA.data);
  const meta = path.resolve(options.meta ?? DEFAULT_DATA.meta);
  const limit = options.limit ?? 0;
  await (options.backend === 'cpu' ? useCpuBackend() : useWasmBackend());
  const train = await pairsFromFile(meta, PAIR_FILES.devTrain, options, 1);
  const test = await pairsFromFile(meta, PAIR_FILES.devTest, options, 2);
  for (const f of [train, test]) {
    if (f.info.same === 0 || f.info.different === 0) {
      throw new PairsError(
        'bad-option',
        `${f.info.file}: ${f.info.same} same-person and ${f.info.different} different-people pairs left; need both (limit ${limit})`,
      );
    }
  }
  return { data, train, test };
}

/**
 * Scores pairs-dev-train.tsv and pairs-dev-test.tsv with the model and the pixel baseline and
 * summarizes them (see PairsResult). Throws PairsError 'head-mismatch' when the head on cached
 * embeddings differs from the whole network by more than HEAD_TOLERANCE.
 */
export async function runPairs(options: PairsOptions): Promise<PairsResult> {
  const t0 = performance.now();
  const { data, train, test } = await startDevPairs(options);
  const cropper = await createPhotoCropper(options.crop ?? 'face');
  let net: SiameseNetwork;
  try {
    net = await loadPairsNetwork(options.modelUrlOrDir);
  } catch (e) {
    cropper.dispose();
    throw e;
  }
  try {
    const progress = (file: string) => (done: number, n: number) => options.onProgress?.(`${file}: ${done}/${n} photos`);
    const trainScored = await scorePairs(net, data, train.rows, { onProgress: progress(train.info.file), cropper });
    const testScored = await scorePairs(net, data, test.rows, { onProgress: progress(test.info.file), cropper });
    const headCheck = await checkHead(net, data, testScored, 4, cropper);
    if (!(headCheck.maxAbsDiff <= HEAD_TOLERANCE)) {
      throw new PairsError(
        'head-mismatch',
        `the head on cached embeddings differs from the whole network by ${headCheck.maxAbsDiff} (> ${HEAD_TOLERANCE})`,
      );
    }
    return {
      ...summarizeScored(trainScored, testScored, headCheck),
      files: {
        devTrain: { ...train.info, photos: trainScored.embeddings.size },
        devTest: { ...test.info, photos: testScored.embeddings.size },
      },
      crop: cropInfo(cropper),
      modelUrlOrDir: options.modelUrlOrDir,
      backend: tf.getBackend(),
      seconds: (performance.now() - t0) / 1000,
      limit: options.limit ?? 0,
      seed: options.seed,
    };
  } finally {
    cropper.dispose();
    disposeNetwork(net);
  }
}
