import * as tf from '@tensorflow/tfjs';
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import { migrateLegacyFreeze, type ModelConfig, type TrainingConfig } from '../config';
import { deleteChunked, getChunked, putChunked } from '../data';
import { decodeNamedTensors, encodeNamedTensors, type EncodedTensors, type NamedTensor, type SiameseNetwork } from '../model';
import { errorMessage, TrainingError } from './errors';

/**
 * Training checkpoints: the model's weights, the complete Adam state, where training stands and
 * the metrics so far. Restoring one continues training exactly where it stopped: on the cpu
 * backend a stopped-and-resumed run ends with bit-identical weights to an uninterrupted run
 * (train.test.ts). No live tensors are kept: weights are encoded to one ArrayBuffer per group.
 */

/** Metrics of one completed epoch. */
export interface EpochMetrics {
  /** 1-based epoch number. */
  readonly epoch: number;
  /** Mean binary cross-entropy over the epoch's training pairs (running mean of the batches). */
  readonly trainLoss: number;
  /** Mean binary cross-entropy over the test split, after the epoch. */
  readonly testLoss: number;
  /** Test precision and recall at 0.5 (0 when undefined). */
  readonly precision: number;
  readonly recall: number;
  readonly accuracy: number;
  /** Wall time of the epoch in ms (of its resumed part only, for an epoch that was resumed). */
  readonly epochMs: number;
}

/** Where training stands, and everything but the tensors (cheap to read: no weights loaded). */
export interface CheckpointSummary {
  readonly version: typeof CHECKPOINT_VERSION;
  readonly model: ModelConfig;
  readonly training: TrainingConfig;
  /** Completed epochs. */
  readonly epochsDone: number;
  /** Completed batches of the next epoch (0 at an epoch boundary): a stop mid-epoch resumes there. */
  readonly batchesDone: number;
  /** Sum of batch losses × batch sizes and pairs seen so far in that partial epoch. */
  readonly partialLoss: { readonly sum: number; readonly pairs: number };
  readonly history: readonly EpochMetrics[];
  /** `pairsFingerprint` of the pair split: resuming with other samples is refused. */
  readonly pairs: string;
  /** Why it was written: every `checkpointEvery` epochs, or on stop. */
  readonly reason: 'interval' | 'stop';
  /** ISO 8601 time it was written. */
  readonly createdAt: string;
}

export interface Checkpoint extends CheckpointSummary {
  /** The model's weights in `net.model.weights` order, named by their layer-local names. */
  readonly weights: EncodedTensors;
  /** Adam: `optimizer.getWeights()` (iterations, first moments, second moments) + β₁ᵗ, β₂ᵗ. */
  readonly optimizer: EncodedTensors;
}

export const CHECKPOINT_VERSION = 1;

/** Where checkpoints are kept. One slot: saving replaces the previous checkpoint. */
export interface CheckpointStore {
  save(checkpoint: Checkpoint): Promise<void>;
  /** The checkpoint, or undefined when there is none. Throws TrainingError('checkpoint-corrupt'). */
  load(): Promise<Checkpoint | undefined>;
  /** The checkpoint without its tensors (for the UI's resume offer). */
  summary(): Promise<CheckpointSummary | undefined>;
  clear(): Promise<void>;
}

/**
 * Checkpoints written before TrainingConfig had `start`, `freeze` (or its predecessor
 * `freezeConvs`) and `augment` came from runs that fine-tuned the pretrained model (reference
 * config) with every layer learning and no augmentation: their training config reads with those
 * values, not today's defaults. A `freezeConvs` flag reads as freeze 'convs' or 'none'.
 */
const LEGACY_TRAINING: Pick<TrainingConfig, 'start' | 'freeze' | 'augment'> = { start: 'pretrained', freeze: 'none', augment: false };

export function summaryOf(c: CheckpointSummary): CheckpointSummary {
  const { version, model, epochsDone, batchesDone, partialLoss, history, pairs, reason, createdAt } = c;
  const training: TrainingConfig = { ...LEGACY_TRAINING, ...migrateLegacyFreeze(c.training) };
  return { version, model, training, epochsDone, batchesDone, partialLoss, history, pairs, reason, createdAt };
}

/** A store in memory (tests, or a session that must not touch IndexedDB). */
export function createMemoryCheckpointStore(): CheckpointStore {
  let saved: Checkpoint | undefined;
  return {
    async save(c) {
      saved = c;
    },
    async load() {
      return saved;
    },
    async summary() {
      return saved && summaryOf(saved);
    },
    async clear() {
      saved = undefined;
    },
  };
}

export const CHECKPOINT_DB = { database: 'siamese-face-id-checkpoints', store: 'checkpoints' } as const;
const RECORD_KEY = 'latest';

interface StoredCheckpoint extends CheckpointSummary {
  readonly kind: 'siamese-checkpoint';
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  readonly optimizerSpecs: tf.io.WeightsManifestEntry[];
  /** Keys of the chunked data: fresh per save, so an interrupted save keeps the previous checkpoint. */
  readonly weightsKey: string;
  readonly optimizerKey: string;
}

export interface IdbCheckpointOptions {
  /** Default: database 'siamese-face-id-checkpoints', object store 'checkpoints'. */
  readonly store?: UseStore;
  /** Chunk size of the weight data (default 32 MiB, see src/data/chunks.ts); tests make it tiny. */
  readonly chunkBytes?: number;
}

let saveCounter = 0;

/**
 * Checkpoints in IndexedDB. The weights and the optimizer state go in chunks (never one large
 * value: the reference model's weights are 156 MB and Adam keeps two more copies), then a small
 * record pointing at them is written, then the previous checkpoint's chunks are deleted.
 */
export function createIdbCheckpointStore(options: IdbCheckpointOptions = {}): CheckpointStore {
  let store = options.store;
  const db = () => (store ??= createStore(CHECKPOINT_DB.database, CHECKPOINT_DB.store));

  async function record(): Promise<StoredCheckpoint | undefined> {
    const r = await get<unknown>(RECORD_KEY, db());
    if (r === undefined) return undefined;
    const c = r as Partial<StoredCheckpoint>;
    if (
      typeof c !== 'object' ||
      c === null ||
      c.kind !== 'siamese-checkpoint' ||
      typeof c.weightsKey !== 'string' ||
      typeof c.optimizerKey !== 'string'
    ) {
      throw new TrainingError('checkpoint-corrupt', 'The stored checkpoint is not readable; start a new training');
    }
    if (c.version !== CHECKPOINT_VERSION) {
      throw new TrainingError(
        'checkpoint-corrupt',
        `The stored checkpoint has format version ${String(c.version)}; this app reads ${CHECKPOINT_VERSION}`,
      );
    }
    return c as StoredCheckpoint;
  }

  return {
    async save(c) {
      const previous = await record().catch(() => undefined);
      const stamp = `${Date.now().toString(36)}-${(saveCounter++).toString(36)}`;
      const weightsKey = `${RECORD_KEY}/weights/${stamp}`;
      const optimizerKey = `${RECORD_KEY}/optimizer/${stamp}`;
      try {
        await putChunked(db(), weightsKey, c.weights.data, options.chunkBytes);
        await putChunked(db(), optimizerKey, c.optimizer.data, options.chunkBytes);
        const stored: StoredCheckpoint = {
          ...summaryOf(c),
          kind: 'siamese-checkpoint',
          weightSpecs: c.weights.specs,
          optimizerSpecs: c.optimizer.specs,
          weightsKey,
          optimizerKey,
        };
        await set(RECORD_KEY, stored, db());
      } catch (e) {
        await Promise.allSettled([deleteChunked(db(), weightsKey), deleteChunked(db(), optimizerKey)]);
        throw new TrainingError('storage-failed', `The checkpoint could not be saved (${errorMessage(e)}); free some storage space`);
      }
      if (previous) await Promise.all([deleteChunked(db(), previous.weightsKey), deleteChunked(db(), previous.optimizerKey)]);
    },

    async load() {
      const r = await record();
      if (r === undefined) return undefined;
      const [weights, optimizer] = await Promise.all([getChunked(db(), r.weightsKey), getChunked(db(), r.optimizerKey)]);
      if (weights === undefined || optimizer === undefined) {
        throw new TrainingError(
          'checkpoint-corrupt',
          'The stored checkpoint is incomplete (its weights are missing); start a new training',
        );
      }
      return { ...summaryOf(r), weights: { specs: r.weightSpecs, data: weights }, optimizer: { specs: r.optimizerSpecs, data: optimizer } };
    },

    async summary() {
      const r = await record();
      return r && summaryOf(r);
    },

    async clear() {
      const r = await record().catch(() => undefined);
      await del(RECORD_KEY, db());
      if (r) await Promise.all([deleteChunked(db(), r.weightsKey), deleteChunked(db(), r.optimizerKey)]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Capturing and restoring the tensors

/**
 * tf.js's Adam keeps β₁ᵗ and β₂ᵗ in two private variables. Its `setWeights` recomputes them as
 * pow(β, t + 1), which differs in the last bits from the product the optimizer accumulated step by
 * step; restoring the saved values makes a resumed run exact. Checked at run time (tf.js 4.22).
 */
interface AdamPowers {
  readonly accBeta1: tf.Variable;
  readonly accBeta2: tf.Variable;
}

function adamPowers(optimizer: tf.AdamOptimizer): AdamPowers {
  const o = optimizer as unknown as Partial<AdamPowers>;
  if (!(o.accBeta1 instanceof tf.Variable) || !(o.accBeta2 instanceof tf.Variable)) {
    throw new TrainingError(
      'training-failed',
      'This tf.js Adam optimizer has no accBeta1/accBeta2 variables; checkpoints cannot restore it',
    );
  }
  return o as AdamPowers;
}

const POWER_NAMES = ['adam/beta1_power', 'adam/beta2_power'] as const;

/** The model weights with their layer-local names (`conv1/kernel`, …: stable across instances). */
function namedWeights(net: SiameseNetwork): NamedTensor[] {
  return net.model.weights.map((w) => ({ name: w.originalName, tensor: w.read() }));
}

/** Encodes the model's weights and the optimizer's full state (the tensors are only read). */
export async function captureState(net: SiameseNetwork, optimizer: tf.AdamOptimizer): Promise<Pick<Checkpoint, 'weights' | 'optimizer'>> {
  const powers = adamPowers(optimizer);
  const state = await optimizer.getWeights();
  try {
    const weights = await encodeNamedTensors(namedWeights(net));
    const opt = await encodeNamedTensors([
      ...state,
      { name: POWER_NAMES[0], tensor: powers.accBeta1 },
      { name: POWER_NAMES[1], tensor: powers.accBeta2 },
    ]);
    return { weights, optimizer: opt };
  } finally {
    // getWeights() made a new scalar for the iteration count; the rest are the optimizer's own variables.
    state[0]?.tensor.dispose();
  }
}

function decode(encoded: EncodedTensors, what: string): NamedTensor[] {
  try {
    return decodeNamedTensors(encoded);
  } catch (e) {
    throw new TrainingError('checkpoint-corrupt', `The checkpoint's ${what} are damaged (${errorMessage(e)})`);
  }
}

/**
 * Writes a checkpoint's weights into `net` and its state into a FRESH `optimizer` (one that has
 * not taken a step: Adam's setWeights creates its moment variables). Throws
 * TrainingError('checkpoint-mismatch') when the weights do not fit the network.
 */
export async function restoreState(
  net: SiameseNetwork,
  optimizer: tf.AdamOptimizer,
  checkpoint: Pick<Checkpoint, 'weights' | 'optimizer'>,
  /** How many variables training updates (fewer than all trainable weights with a freeze mode). */
  trained = net.model.trainableWeights.length,
): Promise<void> {
  const powers = adamPowers(optimizer);
  const weights = decode(checkpoint.weights, 'weights');
  const state = decode(checkpoint.optimizer, 'optimizer state');
  try {
    const expected = net.model.weights;
    const mismatch = (what: string) => new TrainingError('checkpoint-mismatch', `The checkpoint does not fit this model (${what})`);
    const show = (name: string, shape: readonly (number | null)[]) => `${name} [${shape.join(', ')}]`;
    if (weights.length !== expected.length) throw mismatch(`${weights.length} weight tensors for the model's ${expected.length}`);
    expected.forEach((w, i) => {
      const got = weights[i]!;
      if (w.originalName !== got.name || JSON.stringify(w.shape) !== JSON.stringify(got.tensor.shape)) {
        throw mismatch(`${show(got.name, got.tensor.shape)} where the model has ${show(w.originalName, w.shape)}`);
      }
    });
    const moments = state.slice(0, -2);
    const powerValues = state.slice(-2);
    if (moments.length !== 1 + 2 * trained || powerValues.map((p) => p.name).join() !== POWER_NAMES.join()) {
      throw new TrainingError(
        'checkpoint-corrupt',
        `The checkpoint's optimizer state has ${state.length} tensors; expected ${3 + 2 * trained}`,
      );
    }
    net.model.setWeights(weights.map((w) => w.tensor));
    await optimizer.setWeights(moments);
    powers.accBeta1.assign(powerValues[0]!.tensor);
    powers.accBeta2.assign(powerValues[1]!.tensor);
  } finally {
    // setWeights/assign share the data with the variables (reference counted): these handles can go.
    tf.dispose([...weights, ...state].map((w) => w.tensor));
  }
}
