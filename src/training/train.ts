import * as tf from '@tensorflow/tfjs';
import { augmentBatch } from '../augment';
import { validateAugmentConfig, validateTrainingConfig, type AugmentConfigInput, type FreezeMode, type TrainingConfig } from '../config';
import { epochOrder, pairsFingerprint, type Pair, deriveSeed } from '../data';
import { inputShape, type SiameseNetwork } from '../model';
import {
  captureState,
  restoreState,
  summaryOf,
  CHECKPOINT_VERSION,
  type Checkpoint,
  type CheckpointStore,
  type CheckpointSummary,
  type EpochMetrics,
} from './checkpoint';
import { errorMessage, TrainingError } from './errors';
import { binaryMetrics } from './metrics';

/**
 * The training engine: binary cross-entropy on (anchor, other) pairs, Adam, mini-batches gathered
 * from one image tensor. It runs unchanged in a Web Worker (worker.ts) and in Node (tests).
 *
 * Stop and resume. An abort (options.signal) is honoured between batches: the batch in progress
 * finishes, then a checkpoint of that exact state is written — mid-epoch, with the number of
 * batches done and the running training loss — so no work is lost (nothing is written when the
 * stop comes before this call trained a batch). Resuming replays the same
 * epoch order (seeded per epoch) from that batch on, with Adam's complete state restored, so a
 * stopped-and-resumed run gives the same weights as an uninterrupted one (exactly, on cpu).
 *
 * `freeze` keeps layers at their starting (pretrained) weights (trainedWeights): 'convs' trains
 * only the embedding Dense and the head, 'embedding' only the head. No gradient is computed for a
 * frozen layer (the backward pass stops where the trained weights begin), so a step is cheaper too.
 * `augment` and `start` are acted on by the caller (session.ts: options.augment, the initial network).
 */

export interface TrainingData {
  /**
   * Every sample's network input once, owned by the caller: for the reference network its image,
   * preprocessed, [N, inputSize, inputSize, 3] in [0, 1]; for the face-recognition network its
   * face descriptor, [N, 128].
   */
  readonly images: tf.Tensor4D | tf.Tensor2D;
  /** Sample id → row of `images`. */
  readonly index: ReadonlyMap<string, number>;
  readonly train: readonly Pair[];
  readonly test: readonly Pair[];
}

export interface BatchProgress {
  /** 1-based epoch and batch. */
  readonly epoch: number;
  readonly batch: number;
  readonly batches: number;
  readonly epochs: number;
  /** Mean loss of this batch. */
  readonly loss: number;
  /** Wall time of this step in ms. */
  readonly stepMs: number;
}

export interface CheckpointEvent {
  readonly epochsDone: number;
  readonly batchesDone: number;
  readonly reason: Checkpoint['reason'];
}

/**
 * The batch augmentation a training config asks for: none when `config.augment` is false, else
 * src/augment's augmentBatch with DEFAULT_AUGMENT_CONFIG, whose details `details` may change (or
 * switch off with enabled: false). The app's training session and the benchmark both use it.
 */
export function augmentFunction(config: Pick<TrainingConfig, 'augment'>, details?: AugmentConfigInput): TrainOptions['augment'] {
  if (!config.augment) return undefined;
  const augment = validateAugmentConfig(details);
  return augment.enabled ? (images, seed) => augmentBatch(images, seed, augment) : undefined;
}

export interface TrainOptions {
  readonly onBatch?: (progress: BatchProgress) => void;
  readonly onEpoch?: (metrics: EpochMetrics) => void;
  readonly onCheckpoint?: (event: CheckpointEvent) => void;
  /** Abort = stop after the current batch (and checkpoint, when there is a store). */
  readonly signal?: AbortSignal;
  /** Where checkpoints go (every `checkpointEvery` epochs and on stop). None: no checkpoints. */
  readonly checkpoints?: CheckpointStore;
  /** Continue from this checkpoint (it must fit the network, the config and the pairs). */
  readonly resumeFrom?: Checkpoint;
  /**
   * Augments a training batch (e.g. src/augment's augmentBatch): gets the gathered images of one
   * side of the batch and a seed derived from (config.seed, epoch, batch, side), so a resumed run
   * augments exactly as an uninterrupted one. Returns a new tensor. Test pairs are never augmented.
   */
  readonly augment?: (images: tf.Tensor4D, seed: number) => tf.Tensor4D;
  /** Yields to the event loop between batches so a stop message can arrive. Default setTimeout(0). */
  readonly yieldBetweenBatches?: () => Promise<void>;
}

export interface TrainResult {
  readonly history: readonly EpochMetrics[];
  readonly epochsCompleted: number;
  /** True when training was stopped (aborted) before the last epoch. */
  readonly stopped: boolean;
  /** Metrics of the last completed epoch (null when none completed). */
  readonly final: EpochMetrics | null;
}

/** Mean binary cross-entropy of probabilities (Keras: probabilities clipped to [ε, 1 − ε]). */
export function pairLoss(labels: tf.Tensor, probabilities: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.metrics.binaryCrossentropy(labels, probabilities)) as tf.Scalar);
}

/** Salt of the augmentation seeds (epochs 0…9,999 are added to it). */
const AUGMENT_SALT = 0x2000_0000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function checkData(net: SiameseNetwork, data: TrainingData): void {
  const shape = inputShape(net.config);
  const n = data.images.shape[0];
  if (JSON.stringify(data.images.shape.slice(1)) !== JSON.stringify(shape)) {
    throw new TrainingError('invalid-data', `Inputs are [${data.images.shape.join(', ')}]; the model needs [N, ${shape.join(', ')}]`);
  }
  if (data.train.length === 0 || data.test.length === 0) {
    throw new TrainingError('invalid-data', `Training needs training and test pairs (got ${data.train.length} and ${data.test.length})`);
  }
  for (const p of [...data.train, ...data.test]) {
    for (const id of [p.a, p.b]) {
      const row = data.index.get(id);
      if (row === undefined || !Number.isInteger(row) || row < 0 || row >= n) {
        throw new TrainingError('invalid-data', `Pair sample "${id}" has no image (row ${String(row)} of ${n})`);
      }
    }
  }
}

/** Names of the four convolution layers (src/model siamese.ts), which freeze 'convs' keeps fixed. */
export const CONV_LAYERS = ['conv1', 'conv2', 'conv3', 'conv4'] as const;

/**
 * The weights training updates, in `net.model.trainableWeights` order: all of them (freeze
 * 'none'), all but the convolutions' ('convs': the embedding Dense and the head learn), or only
 * the head's ('embedding': the whole embedding tower stays). The optimizer's state (and so a
 * checkpoint's) holds moments for exactly these.
 */
export function trainedWeights(net: SiameseNetwork, freeze: FreezeMode): tf.LayerVariable[] {
  if (freeze === 'none') return net.model.trainableWeights;
  if (freeze === 'convs' && net.config.faceModel === 'facerec')
    throw new TrainingError('invalid-config', "The face-recognition network has no convolutions to freeze here (freeze 'convs')");
  const frozenLayers = freeze === 'convs' ? CONV_LAYERS.map((name) => net.embedding.getLayer(name)) : [net.embedding];
  const frozen = new Set(frozenLayers.flatMap((layer) => layer.trainableWeights));
  return net.model.trainableWeights.filter((w) => !frozen.has(w));
}

/** Resume is allowed with more or fewer epochs and another checkpoint interval, nothing else. */
function checkResume(net: SiameseNetwork, config: TrainingConfig, fingerprint: string, c: CheckpointSummary): void {
  const fail = (what: string) => {
    throw new TrainingError(
      'checkpoint-mismatch',
      `The checkpoint was written with ${what}; start a new training or restore those settings`,
    );
  };
  if (c.version !== CHECKPOINT_VERSION) fail(`format version ${c.version}`);
  if (JSON.stringify(c.model) !== JSON.stringify(net.config)) fail(`another model configuration (${JSON.stringify(c.model)})`);
  for (const key of ['batchSize', 'learningRate', 'samplesPerClass', 'trainFraction', 'seed', 'freeze', 'augment'] as const) {
    const saved = summaryOf(c).training[key];
    if (saved !== config[key]) fail(`${key} ${saved} (now ${config[key]})`);
  }
  if (c.pairs !== fingerprint) fail('other samples (the pairs differ: samples were added or deleted since)');
  if (c.epochsDone > config.epochs) fail(`${c.epochsDone} epochs done, more than the ${config.epochs} asked for now`);
}

/**
 * Trains `net` in place. Resolves when all epochs are done or training was stopped; rejects with a
 * TrainingError on bad data, an unusable checkpoint, a NaN loss or a failed checkpoint write.
 * Leaves no tensors behind (the optimizer is disposed at the end; its state lives in checkpoints).
 */
export async function train(
  net: SiameseNetwork,
  data: TrainingData,
  trainingConfig: Partial<TrainingConfig>,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const config = validateTrainingConfig(trainingConfig);
  checkData(net, data);
  const fingerprint = pairsFingerprint(data);
  const { signal, checkpoints, resumeFrom } = options;
  const pause = options.yieldBetweenBatches ?? yieldToEventLoop;
  const batches = Math.ceil(data.train.length / config.batchSize);
  const variables = trainedWeights(net, config.freeze).map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(config.learningRate);

  const history: EpochMetrics[] = [];
  let epochsDone = 0;
  let batchesDone = 0;
  let lossSum = 0;
  let lossPairs = 0;
  let trainedBatches = 0;

  const rowsOf = (pairs: readonly Pair[], side: 'a' | 'b') =>
    tf.tensor1d(
      pairs.map((p) => data.index.get(p[side])!),
      'int32',
    );
  const gather = (pairs: readonly Pair[], side: 'a' | 'b') => tf.gather(data.images, rowsOf(pairs, side));
  const labelsOf = (pairs: readonly Pair[]) =>
    tf.tensor2d(
      pairs.map((p) => p.label),
      [pairs.length, 1],
    );

  async function step(pairs: readonly Pair[]): Promise<number> {
    const { augment } = options;
    const batchSeed = deriveSeed(deriveSeed(config.seed, AUGMENT_SALT + epochsDone), batchesDone);
    const cost = tf.tidy(() => {
      const [a, b] = (['a', 'b'] as const).map((side, i) =>
        // Augmentation works on images; descriptors are used as they are.
        augment && data.images.rank === 4 ? augment(gather(pairs, side) as tf.Tensor4D, deriveSeed(batchSeed, i)) : gather(pairs, side),
      );
      return optimizer.minimize(
        () => pairLoss(labelsOf(pairs), net.model.apply([a!, b!], { training: true }) as tf.Tensor),
        true,
        variables,
      )!;
    });
    try {
      return (await cost.data())[0]!;
    } finally {
      cost.dispose();
    }
  }

  async function evaluate(): Promise<{ loss: number; scores: number[] }> {
    let sum = 0;
    const scores: number[] = [];
    for (let start = 0; start < data.test.length; start += config.batchSize) {
      const pairs = data.test.slice(start, start + config.batchSize);
      const [loss, probs] = tf.tidy(() => {
        const p = net.model.apply([gather(pairs, 'a'), gather(pairs, 'b')], { training: false }) as tf.Tensor;
        return [pairLoss(labelsOf(pairs), p), p] as const;
      });
      try {
        const [l, ps] = await Promise.all([loss.data(), probs.data()]);
        sum += l[0]! * pairs.length;
        scores.push(...ps);
      } finally {
        tf.dispose([loss, probs]);
      }
    }
    return { loss: sum / data.test.length, scores };
  }

  async function saveCheckpoint(reason: Checkpoint['reason']): Promise<void> {
    if (!checkpoints) return;
    const state = await captureState(net, optimizer);
    const summary: CheckpointSummary = {
      version: CHECKPOINT_VERSION,
      model: net.config,
      training: config,
      epochsDone,
      batchesDone,
      partialLoss: { sum: lossSum, pairs: lossPairs },
      history: [...history],
      pairs: fingerprint,
      reason,
      createdAt: new Date().toISOString(),
    };
    await checkpoints.save({ ...summary, ...state });
    options.onCheckpoint?.({ epochsDone, batchesDone, reason });
  }

  const result = (stopped: boolean): TrainResult => ({
    history: [...history],
    epochsCompleted: epochsDone,
    stopped,
    final: history.at(-1) ?? null,
  });

  try {
    if (resumeFrom) {
      checkResume(net, config, fingerprint, resumeFrom);
      await restoreState(net, optimizer, resumeFrom, variables.length);
      const s = summaryOf(resumeFrom);
      history.push(...s.history);
      epochsDone = s.epochsDone;
      batchesDone = s.batchesDone;
      lossSum = s.partialLoss.sum;
      lossPairs = s.partialLoss.pairs;
    }

    while (epochsDone < config.epochs) {
      const epochStart = performance.now();
      const order = epochOrder(data.train, config.seed, epochsDone);
      while (batchesDone < batches) {
        if (signal?.aborted) {
          // Nothing trained in this call: the stored checkpoint (if any) already holds this state.
          if (trainedBatches > 0) await saveCheckpoint('stop');
          return result(true);
        }
        const pairs = order.slice(batchesDone * config.batchSize, (batchesDone + 1) * config.batchSize);
        const t0 = performance.now();
        const loss = await step(pairs);
        if (!Number.isFinite(loss)) {
          throw new TrainingError(
            'training-failed',
            `The loss became ${loss} in epoch ${epochsDone + 1}, batch ${batchesDone + 1}; try a lower learning rate`,
          );
        }
        trainedBatches++;
        lossSum += loss * pairs.length;
        lossPairs += pairs.length;
        batchesDone++;
        options.onBatch?.({
          epoch: epochsDone + 1,
          batch: batchesDone,
          batches,
          epochs: config.epochs,
          loss,
          stepMs: performance.now() - t0,
        });
        await pause();
      }
      const test = await evaluate();
      const m = binaryMetrics(
        test.scores,
        data.test.map((p) => p.label),
      );
      const metrics: EpochMetrics = {
        epoch: epochsDone + 1,
        trainLoss: lossSum / lossPairs,
        testLoss: test.loss,
        precision: m.precision,
        recall: m.recall,
        accuracy: m.accuracy,
        epochMs: performance.now() - epochStart,
      };
      history.push(metrics);
      epochsDone++;
      batchesDone = 0;
      lossSum = 0;
      lossPairs = 0;
      options.onEpoch?.(metrics);
      // Not after the last epoch: the finished run saves its model, and its checkpoint is then cleared.
      if (epochsDone % config.checkpointEvery === 0 && epochsDone < config.epochs) await saveCheckpoint('interval');
    }
    return result(false);
  } catch (e) {
    if (e instanceof TrainingError) throw e;
    throw new TrainingError('training-failed', `Training failed in epoch ${epochsDone + 1}: ${errorMessage(e)}`);
  } finally {
    optimizer.dispose();
  }
}
