/**
 * The CPU pretraining pipeline: the app's own network (src/model) trained with tf.js on the
 * fastest backend a machine without a GPU offers here, wasm with the project's trainable
 * gradients (src/model registerTrainableGradients), on fresh same/different-person pairs of the
 * people-dev-train LFW people every step (sampling.ts), each photo through the app's preprocess
 * after the crop the run's settings name (tools/lfw/crop.ts: the app's face crop by default,
 * or the whole photo) and the app's augmentation
 * (src/augment, seeded per step and side). Loss: the app's binary cross-entropy (pairLoss), Adam.
 *
 * It runs in chunks: each call trains until its wall-clock budget, its step limit or an abort,
 * then writes a checkpoint (weights and Adam's complete state, src/training captureState) and the
 * curves. The next call resumes from the checkpoint at the next step and draws exactly the pairs
 * and augmentations an uninterrupted run would have (everything is derived from (seed, step)), so
 * a run of hours can be spread over many background sessions. A checkpoint is also written every
 * `checkpointEvery` steps, so a killed process loses at most that much.
 *
 * The GPU pipeline (pretrain_gpu.py) trains the same architecture far faster; its export and this
 * one's have the same layout, and either can start the other (`initFrom`).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { augmentBatch } from '../../../src/augment';
import { asKochConfig, validateModelConfig, type ModelConfig } from '../../../src/config';
import { deriveSeed } from '../../../src/data';
import { buildSiamese, disposeNetwork, shiftClassifierBias, type SiameseNetwork } from '../../../src/model';
import { captureState, pairLoss, restoreState } from '../../../src/training';
import { accuracyAt, median, rocAuc, seedWeights } from '../../../tools/common';
import {
  byClass,
  createPhotoCropper,
  describeCropper,
  loadPairsNetwork,
  loadPhotos,
  scorePairs,
  type PairRow,
  type PhotoCrop,
  type PhotoCropper,
} from '../../../tools/lfw';
import { exportNetwork, type ExportDtype, type ExportResult } from './export';
import { stepPairs, type PersonPhotos, type PhotoPair } from './sampling';
import { errorMessage } from '../../../src/common';

export const STATE_VERSION = 1;
export const STATE_FILE = 'state.json';
export const CURVES_FILE = 'curves.csv';

/** What a run is; a resumed chunk must be the same run. */
export interface RunSettings {
  readonly model: ModelConfig;
  readonly seed: number;
  readonly pairsPerStep: number;
  readonly learningRate: number;
  readonly augment: boolean;
  /** How each LFW photo is cropped before the app's preprocess (tools/lfw/crop.ts). */
  readonly crop: PhotoCrop;
  /** The tf.js folder the weights started from, or null for random (seeded Glorot) weights. */
  readonly initFrom: string | null;
}

export interface LossPoint {
  readonly step: number;
  readonly elapsedSeconds: number;
  readonly loss: number;
}

export interface EvalPoint {
  readonly step: number;
  readonly elapsedSeconds: number;
  readonly pairs: number;
  /** ROC AUC of the model's score on the evaluation pairs (people never trained on). */
  readonly auc: number;
  /** Accuracy at output 0.5. */
  readonly accuracy: number;
}

export interface ChunkRecord {
  readonly startedAt: string;
  readonly endedAt: string;
  readonly fromStep: number;
  readonly toStep: number;
  readonly seconds: number;
  readonly medianStepMs: number;
  readonly backend: string;
  readonly host: string;
  readonly why: StopReason;
}

export type StopReason = 'budget' | 'max-steps' | 'aborted';

interface StoredTensors {
  readonly file: string;
  readonly specs: tf.io.WeightsManifestEntry[];
}

/** state.json: everything but the tensors, which sit in the two files it names. */
export interface RunState {
  readonly version: typeof STATE_VERSION;
  readonly settings: RunSettings;
  /** Steps done (the next step to train is this one). */
  readonly step: number;
  /** Training wall time over all chunks, in seconds. */
  readonly elapsedSeconds: number;
  readonly losses: readonly LossPoint[];
  readonly evals: readonly EvalPoint[];
  readonly chunks: readonly ChunkRecord[];
  readonly weights: StoredTensors;
  readonly optimizer: StoredTensors;
}

export interface PretrainOptions {
  readonly lfwDir: string;
  readonly people: readonly PersonPhotos[];
  /** The run's folder: state.json, its tensor files, curves.csv. */
  readonly out: string;
  readonly settings: RunSettings;
  /** Stop after this many steps in all (0: no limit). */
  readonly maxSteps: number;
  /** Stop this chunk after this many seconds of training (0: no limit). */
  readonly budgetSeconds: number;
  readonly checkpointEvery: number;
  /** Score `evalPairs` every this many steps (0: only at the end of the chunk). */
  readonly evalEvery: number;
  readonly evalPairs: readonly PairRow[];
  /** Also write the weights at the end of the chunk as a tf.js model here (export.ts). */
  readonly exportTo?: string;
  readonly exportDtype?: ExportDtype;
  readonly signal?: AbortSignal;
  readonly log?: (message: string) => void;
}

export interface ChunkResult {
  readonly state: RunState;
  readonly why: StopReason;
  readonly stepsThisChunk: number;
  readonly exported: ExportResult | null;
}

export class PretrainError extends Error {
  readonly code: 'settings-mismatch' | 'bad-state' | 'nan-loss';
  constructor(code: PretrainError['code'], message: string) {
    super(message);
    this.code = code;
    this.name = 'PretrainError';
  }
}

/** Salt of the augmentation seeds (apart from sampling.ts's). */
const AUGMENT_SALT = 0x3000_0000;

/** Reads a run's state.json, or null when the folder holds none. */
export async function readState(out: string): Promise<RunState | null> {
  const file = path.join(out, STATE_FILE);
  if (!existsSync(file)) return null;
  let state: RunState;
  try {
    state = JSON.parse(await readFile(file, 'utf8')) as RunState;
  } catch (e) {
    throw new PretrainError('bad-state', `${file} is not valid JSON (${errorMessage(e)})`);
  }
  if (state.version !== STATE_VERSION)
    throw new PretrainError('bad-state', `${file} has format version ${String(state.version)}, expected ${STATE_VERSION}`);
  return state;
}

function sameSettings(a: RunSettings, b: RunSettings): string | null {
  for (const key of ['seed', 'pairsPerStep', 'learningRate', 'augment', 'crop', 'initFrom'] as const) {
    if (a[key] !== b[key]) return `${key} ${String(a[key])} (now ${String(b[key])})`;
  }
  if (JSON.stringify(validateModelConfig(a.model)) !== JSON.stringify(validateModelConfig(b.model)))
    return `model ${JSON.stringify(a.model)}`;
  return null;
}

/** The starting network: `initFrom`'s weights with its calibration shift undone, or seeded random weights. */
async function startingNetwork(settings: RunSettings): Promise<SiameseNetwork> {
  if (settings.initFrom === null) {
    const net = buildSiamese(settings.model);
    seedWeights(net, settings.seed);
    return net;
  }
  const net = await loadPairsNetwork(settings.initFrom);
  if (JSON.stringify(net.config) !== JSON.stringify(validateModelConfig(settings.model))) {
    disposeNetwork(net);
    throw new PretrainError(
      'settings-mismatch',
      `${settings.initFrom} has the architecture ${JSON.stringify(net.config)}, not ${JSON.stringify(settings.model)}`,
    );
  }
  const meta = JSON.parse(await readFile(path.join(settings.initFrom, 'model.json'), 'utf8')) as {
    userDefinedMetadata?: { calibration?: { biasShift?: number } };
  };
  shiftClassifierBias(net, meta.userDefinedMetadata?.calibration?.biasShift ?? 0);
  return net;
}

async function writeTensors(
  out: string,
  name: string,
  encoded: { specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer },
): Promise<StoredTensors> {
  const file = `${name}.bin`;
  await writeFile(path.join(out, `${file}.tmp`), new Uint8Array(encoded.data));
  return { file, specs: encoded.specs };
}

async function readTensors(out: string, stored: StoredTensors): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer }> {
  const bytes = await readFile(path.join(out, stored.file));
  return { specs: stored.specs, data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) };
}

/**
 * Writes the checkpoint: the two tensor files under step-numbered names, then state.json (via a
 * temporary file and a rename), then removes the previous step's files. A crash at any point leaves
 * a state.json that names complete files.
 */
async function saveCheckpoint(
  out: string,
  net: SiameseNetwork,
  optimizer: tf.AdamOptimizer,
  state: Omit<RunState, 'weights' | 'optimizer'>,
  previous: RunState | null,
): Promise<RunState> {
  const captured = await captureState(net, optimizer);
  const weights = await writeTensors(out, `weights-${state.step}`, captured.weights);
  const opt = await writeTensors(out, `optimizer-${state.step}`, captured.optimizer);
  for (const f of [weights.file, opt.file]) await rename(path.join(out, `${f}.tmp`), path.join(out, f));
  const full: RunState = { ...state, weights, optimizer: opt };
  await writeFile(path.join(out, `${STATE_FILE}.tmp`), JSON.stringify(full));
  await rename(path.join(out, `${STATE_FILE}.tmp`), path.join(out, STATE_FILE));
  if (previous && previous.step !== state.step) {
    await Promise.all([previous.weights.file, previous.optimizer.file].map((f) => rm(path.join(out, f), { force: true })));
  }
  await writeFile(path.join(out, CURVES_FILE), curvesCsv(full));
  return full;
}

/** curves.csv: one row per step (its loss), with the evaluation columns filled at evaluated steps. */
export function curvesCsv(state: Pick<RunState, 'losses' | 'evals'>): string {
  const evals = new Map(state.evals.map((e) => [e.step, e]));
  const rows = ['step,elapsed_s,train_loss,eval_pairs,eval_auc,eval_accuracy'];
  const steps = [...new Set([...state.losses.map((l) => l.step), ...state.evals.map((e) => e.step)])].sort((a, b) => a - b);
  const losses = new Map(state.losses.map((l) => [l.step, l]));
  for (const step of steps) {
    const l = losses.get(step);
    const e = evals.get(step);
    const elapsed = l?.elapsedSeconds ?? e!.elapsedSeconds;
    rows.push(
      [
        step,
        elapsed.toFixed(1),
        l ? l.loss.toFixed(5) : '',
        e?.pairs ?? '',
        e ? e.auc.toFixed(4) : '',
        e ? e.accuracy.toFixed(4) : '',
      ].join(','),
    );
  }
  return rows.join('\n') + '\n';
}

/** Scores the evaluation pairs with the network as it stands. */
export async function evaluate(
  net: SiameseNetwork,
  lfwDir: string,
  rows: readonly PairRow[],
  cropper?: PhotoCropper,
): Promise<{ auc: number; accuracy: number }> {
  const scored = await scorePairs(net, lfwDir, rows, { cropper });
  const { genuine, impostor } = byClass(rows, scored.scores);
  return { auc: rocAuc(genuine, impostor), accuracy: accuracyAt(genuine, impostor, 0.5) };
}

/**
 * Trains one chunk: resumes from `out`'s checkpoint when there is one (its settings must equal
 * `settings`), else starts a new run. Returns the state as checkpointed at the end. Leaves no
 * tensors behind.
 */
export async function pretrainChunk(options: PretrainOptions): Promise<ChunkResult> {
  const { out, settings, lfwDir, people, log = () => undefined } = options;
  await mkdir(out, { recursive: true });
  let saved = await readState(out);
  if (saved) {
    const diff = sameSettings(saved.settings, settings);
    if (diff)
      throw new PretrainError(
        'settings-mismatch',
        `${path.join(out, STATE_FILE)} is a run with ${diff}; use another folder or the same settings`,
      );
  }
  const net = saved ? buildSiamese(settings.model) : await startingNetwork(settings);
  const optimizer = tf.train.adam(settings.learningRate);
  let cropper: PhotoCropper | null = null;
  try {
    cropper = await createPhotoCropper(settings.crop);
    if (saved) {
      await restoreState(net, optimizer, {
        weights: await readTensors(out, saved.weights),
        optimizer: await readTensors(out, saved.optimizer),
      });
      log(`resumed at step ${saved.step} (${(saved.elapsedSeconds / 3600).toFixed(2)} h trained so far)`);
    }
    const variables = net.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const size = asKochConfig(net.config).inputSize;
    let step = saved?.step ?? 0;
    let elapsed = saved?.elapsedSeconds ?? 0;
    const losses: LossPoint[] = [...(saved?.losses ?? [])];
    const evals: EvalPoint[] = [...(saved?.evals ?? [])];
    const chunks: ChunkRecord[] = [...(saved?.chunks ?? [])];
    const startedAt = new Date();
    const fromStep = step;
    const stepMs: number[] = [];
    let chunkSeconds = 0;

    const snapshot = (why: StopReason | null): Omit<RunState, 'weights' | 'optimizer'> => ({
      version: STATE_VERSION,
      settings,
      step,
      elapsedSeconds: elapsed,
      losses,
      evals,
      chunks: why === null ? chunks : [...chunks, chunkRecord(why)],
    });
    const chunkRecord = (why: StopReason): ChunkRecord => ({
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      fromStep,
      toStep: step,
      seconds: chunkSeconds,
      medianStepMs: stepMs.length > 0 ? median(stepMs) : 0,
      backend: tf.getBackend(),
      host: `${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}`,
      why,
    });
    const runEval = async () => {
      if (options.evalPairs.length === 0 || evals.some((e) => e.step === step)) return;
      const r = await evaluate(net, lfwDir, options.evalPairs, cropper!);
      evals.push({ step, elapsedSeconds: elapsed, pairs: options.evalPairs.length, ...r });
      log(
        `step ${step}: evaluation on ${options.evalPairs.length} dev-test pairs: ROC AUC ${r.auc.toFixed(4)}, accuracy at 0.5 ${(100 * r.accuracy).toFixed(1)} %`,
      );
    };

    if (step === 0 && !saved) await runEval(); // the starting point of the curves
    let why: StopReason;
    for (;;) {
      if (options.maxSteps > 0 && step >= options.maxSteps) {
        why = 'max-steps';
        break;
      }
      if (options.budgetSeconds > 0 && chunkSeconds >= options.budgetSeconds) {
        why = 'budget';
        break;
      }
      if (options.signal?.aborted) {
        why = 'aborted';
        break;
      }
      const t0 = performance.now();
      const pairs = stepPairs(people, settings.seed, step, settings.pairsPerStep);
      const loss = await trainStep(net, optimizer, variables, lfwDir, pairs, size, settings, step, cropper);
      if (!Number.isFinite(loss))
        throw new PretrainError(
          'nan-loss',
          `The loss became ${loss} at step ${step}; the last checkpoint (step ${saved?.step ?? 0}) is intact`,
        );
      const ms = performance.now() - t0;
      stepMs.push(ms);
      chunkSeconds += ms / 1000;
      elapsed += ms / 1000;
      step += 1;
      losses.push({ step, elapsedSeconds: elapsed, loss });
      if (options.evalEvery > 0 && step % options.evalEvery === 0) await runEval();
      if (step % options.checkpointEvery === 0) {
        saved = await saveCheckpoint(out, net, optimizer, snapshot(null), saved);
        log(`step ${step}: loss ${loss.toFixed(4)}, ${(ms / 1000).toFixed(1)} s a step; checkpoint written`);
      }
    }
    await runEval();
    saved = await saveCheckpoint(out, net, optimizer, snapshot(why), saved);
    log(
      `chunk done (${why}): steps ${fromStep}–${step}, ${chunkSeconds.toFixed(0)} s; ${(elapsed / 3600).toFixed(2)} h in all; ${describeCropper(cropper)}`,
    );
    let exported: ExportResult | null = null;
    if (options.exportTo !== undefined) {
      const last = evals[evals.length - 1];
      exported = await exportNetwork(net, options.exportTo, {
        dtype: options.exportDtype ?? 'uint8',
        metadata: {
          pretraining: {
            pipeline: 'scripts/pretrain/pretrain-wasm.mjs',
            settings,
            steps: step,
            trainSeconds: Math.round(elapsed),
            lastEval: last ?? null,
          },
        },
      });
      log(
        `exported to ${options.exportTo} (${(exported.weightBytes / 2 ** 20).toFixed(1)} MiB of weights, ${options.exportDtype ?? 'uint8'})`,
      );
    }
    return { state: saved, why, stepsThisChunk: step - fromStep, exported };
  } finally {
    cropper?.dispose();
    optimizer.dispose();
    disposeNetwork(net);
  }
}

async function trainStep(
  net: SiameseNetwork,
  optimizer: tf.AdamOptimizer,
  variables: tf.Variable[],
  lfwDir: string,
  pairs: readonly PhotoPair[],
  size: number,
  settings: RunSettings,
  step: number,
  cropper: PhotoCropper,
): Promise<number> {
  // One side after the other: the face crop's detector runs tf.js ops of its own.
  const a = await loadPhotos(
    lfwDir,
    pairs.map((p) => p.a),
    size,
    cropper,
  );
  let b: tf.Tensor4D;
  try {
    b = await loadPhotos(
      lfwDir,
      pairs.map((p) => p.b),
      size,
      cropper,
    );
  } catch (e) {
    a.dispose();
    throw e;
  }
  try {
    const seed = deriveSeed(settings.seed, AUGMENT_SALT + step);
    const cost = tf.tidy(() => {
      const [x1, x2] = settings.augment ? [augmentBatch(a, deriveSeed(seed, 0)), augmentBatch(b, deriveSeed(seed, 1))] : [a, b];
      const labels = tf.tensor2d(
        pairs.map((p) => p.label),
        [pairs.length, 1],
      );
      return optimizer.minimize(() => pairLoss(labels, net.model.apply([x1, x2], { training: true }) as tf.Tensor), true, variables)!;
    });
    try {
      return (await cost.data())[0]!;
    } finally {
      cost.dispose();
    }
  } finally {
    tf.dispose([a, b]);
  }
}
