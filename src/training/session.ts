import * as tf from '@tensorflow/tfjs';
import {
  ConfigError,
  DEFAULT_VERIFY_CONFIG,
  validateModelConfig,
  validateTrainingConfig,
  type ModelConfig,
  type TrainingConfig,
  type TrainingStart,
} from '../config';
import { buildPeoplePairs, DEFAULT_PERSON_ID, PairsError, type Pair, type PersonIds } from '../data';
import { buildSiamese, disposeNetwork, hasPretrainedWeights, type BackendReport, type NetworkMeta, type SiameseNetwork } from '../model';
import type { CheckpointStore, CheckpointSummary } from './checkpoint';
import { errorMessage, TrainingError, type TrainingErrorCode } from './errors';
import {
  TRAINED_MODEL_KEY,
  type BackendPreference,
  type PageMessage,
  type SampleBlob,
  type StartRequest,
  type TrainingSamples,
  type TrainingSummary,
  type WorkerMessage,
} from './protocol';
import { augmentFunction, train, type TrainResult } from './train';
import { calibrateHead, calibrationCohort, CALIBRATION, type CalibrationOutcome } from './calibrate';

/**
 * The training worker's logic, without the Worker: it handles page messages and posts worker
 * messages through the functions it is given, so Node tests drive it with fakes (session.test.ts)
 * and worker.ts only wires it to `self` with the browser's decoder, backend and IndexedDB.
 */

export interface SessionDeps {
  readonly post: (message: WorkerMessage) => void;
  /** A stored sample image → the reference network's input [inputSize, inputSize, 3] in [0, 1]. */
  readonly decode: (sample: SampleBlob, inputSize: number) => Promise<tf.Tensor3D>;
  /**
   * The face-recognition network's inputs: the face descriptors of `samples` (from the descriptor
   * cache, the others computed and kept), in order; null when `signal` stops it first. A sample
   * whose image cannot be read rejects with TrainingError('decode-failed'). Absent where the face
   * model cannot run (its runs then fail with a clear message).
   */
  readonly describe?: (
    samples: readonly SampleBlob[],
    signal: AbortSignal,
    onProgress: (done: number, total: number) => void,
  ) => Promise<Float32Array[] | null>;
  readonly selectBackend: (preference: BackendPreference) => Promise<BackendReport>;
  readonly checkpoints: CheckpointStore;
  /** Saves the trained network (worker: saveNetwork(net, TRAINED_MODEL_KEY, meta)). */
  readonly saveModel: (net: SiameseNetwork, meta: NetworkMeta) => Promise<void>;
  /**
   * The network a fresh (not resumed) run starts from, given the training config's `start`;
   * default: buildSiamese, random weights. The worker and the page pass loadStartingNetwork, which
   * fine-tunes the bundled pretrained model (its weights cached in IndexedDB) for the reference
   * config when `start` is 'pretrained'.
   */
  readonly initialNetwork?: (config: ModelConfig, start: TrainingStart) => Promise<SiameseNetwork>;
  /** Passed on to train() (tests make it immediate). */
  readonly yieldBetweenBatches?: () => Promise<void>;
}

export interface TrainingSession {
  handle(message: PageMessage): Promise<void>;
}

/** Maps any failure to the protocol's error code and a message for the user. */
export function toErrorMessage(e: unknown): Extract<WorkerMessage, { type: 'error' }> {
  let code: TrainingErrorCode = 'training-failed';
  if (e instanceof TrainingError) code = e.code;
  else if (e instanceof ConfigError) code = 'invalid-config';
  else if (e instanceof PairsError) code = e.code === 'invalid-option' ? 'invalid-config' : 'not-enough-samples';
  return { type: 'error', code, message: errorMessage(e) };
}

/**
 * The checkpoint interval a run uses, so that a reload or a crash during training leaves something
 * to resume. A run longer than `checkpointEvery` epochs keeps it (the reference: every 10 epochs).
 * A shorter run (the app's default fine-tuning: 5 epochs) would write its first interval
 * checkpoint only after its last epoch, when the trained model is saved anyway, so it checkpoints
 * after every epoch instead: a crash loses at most the epoch in progress (train() never writes one
 * after the last epoch; a checkpoint of the full model holds ≈ 470 MB, an epoch of the default run
 * takes minutes on wasm). A one-epoch run keeps
 * the configured interval: its only checkpoint would come after that epoch.
 */
export function runCheckpointEvery(config: Pick<TrainingConfig, 'epochs' | 'checkpointEvery'>): number {
  return config.epochs > config.checkpointEvery || config.epochs === 1 ? config.checkpointEvery : 1;
}

/**
 * The anchors and positives grouped by person (a sample without one: the default person), people in
 * order of first appearance (anchors first), each person's ids in the samples' order. With one
 * person this is one group of every anchor and positive in order, so the run pairs exactly as a
 * run before people (buildPeoplePairs of one person is buildPairs).
 */
export function peopleOf(samples: Pick<TrainingSamples, 'anchors' | 'positives'>): PersonIds[] {
  const people = new Map<string, { anchors: string[]; positives: string[] }>();
  for (const kind of ['anchors', 'positives'] as const) {
    for (const s of samples[kind]) {
      const person = s.person ?? DEFAULT_PERSON_ID;
      let ids = people.get(person);
      if (!ids) people.set(person, (ids = { anchors: [], positives: [] }));
      ids[kind].push(s.id);
    }
  }
  return [...people].map(([person, ids]) => ({ person, ...ids }));
}

/** Every sample id a pair uses, once, in first-use order. */
function usedIds(pairs: readonly Pair[]): string[] {
  return [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
}

/** The result of a run stopped before it trained: what the checkpoint (if resuming) holds. */
function notTrained(resumeFrom: CheckpointSummary | undefined): TrainResult {
  const history = resumeFrom?.history ?? [];
  return { history, epochsCompleted: resumeFrom?.epochsDone ?? 0, stopped: true, final: history.at(-1) ?? null };
}

export function createTrainingSession(deps: SessionDeps): TrainingSession {
  let controller: AbortController | null = null;

  /**
   * The network inputs of `ids` stacked in that order (images for the reference network, face
   * descriptors for the face-recognition network), or null when stopped while preparing them.
   */
  async function prepareInputs(
    request: StartRequest,
    ids: readonly string[],
    config: ModelConfig,
    signal: AbortSignal,
  ): Promise<tf.Tensor4D | tf.Tensor2D | null> {
    const byId = new Map<string, SampleBlob>();
    for (const s of [...request.samples.anchors, ...request.samples.positives, ...request.samples.negatives]) byId.set(s.id, s);
    const samples = ids.map((id) => byId.get(id)!);
    if (config.faceModel === 'facerec') {
      if (!deps.describe) throw new TrainingError('backend-failed', 'The face-recognition network cannot run here (no face describer)');
      const descriptors = await deps.describe(samples, signal, (done, total) => {
        if (done % 16 === 0 || done === total) deps.post({ type: 'preparing', done, total });
      });
      if (descriptors === null) return null;
      return tf.tidy(() => tf.stack(descriptors.map((d) => tf.tensor1d(d))) as tf.Tensor2D);
    }
    const rows: tf.Tensor3D[] = [];
    try {
      for (const sample of samples) {
        if (signal.aborted) return null;
        try {
          rows.push(await deps.decode(sample, config.inputSize));
        } catch (e) {
          throw new TrainingError(
            'decode-failed',
            `Sample ${sample.id} could not be read as an image (${errorMessage(e)}); delete it and try again`,
          );
        }
        if (rows.length % 16 === 0 || rows.length === ids.length) deps.post({ type: 'preparing', done: rows.length, total: ids.length });
      }
      return tf.stack(rows) as tf.Tensor4D;
    } finally {
      tf.dispose(rows);
    }
  }

  /** The inputs of the samples that can be read (others left out), for the calibration cohort. */
  async function readableInputs(samples: readonly SampleBlob[], config: ModelConfig): Promise<tf.Tensor4D | tf.Tensor2D | null> {
    if (config.faceModel === 'facerec') {
      const never = new AbortController().signal;
      const out: Float32Array[] = [];
      for (const s of samples) {
        try {
          out.push(...((await deps.describe!([s], never, () => undefined)) ?? []));
        } catch {
          // An unreadable negative only leaves the cohort.
        }
      }
      return out.length === 0 ? null : tf.tidy(() => tf.stack(out.map((d) => tf.tensor1d(d))) as tf.Tensor2D);
    }
    const rows: tf.Tensor3D[] = [];
    try {
      for (const s of samples) {
        try {
          rows.push(await deps.decode(s, config.inputSize));
        } catch {
          // An unreadable negative only leaves the cohort.
        }
      }
      return rows.length === 0 ? null : (tf.stack(rows) as tf.Tensor4D);
    } finally {
      tf.dispose(rows);
    }
  }

  /**
   * Calibrates the trained `net` in place (calibrate.ts) on anchors the pairs used, everyone's (rows of
   * `images`) and negatives no pair used (decoded now). A negative that cannot be decoded is left
   * out; too few left, or any failure, skips calibration: the trained model is kept either way.
   */
  async function calibrateRun(
    net: SiameseNetwork,
    request: StartRequest,
    inputs: tf.Tensor4D | tf.Tensor2D,
    index: ReadonlyMap<string, number>,
    seed: number,
  ): Promise<CalibrationOutcome> {
    const used = new Set(index.keys());
    const cohort = calibrationCohort(
      request.samples.anchors.map((s) => s.id).filter((id) => used.has(id)),
      request.samples.negatives.map((s) => s.id),
      used,
      seed,
    );
    const tooFew = (n: number) =>
      `only ${n} negatives were left out of training (calibration needs ${CALIBRATION.minNegatives}); add negatives or lower the samples per class`;
    if (!cohort) return { kind: 'skipped', reason: tooFew(request.samples.negatives.filter((s) => !used.has(s.id)).length) };
    deps.post({ type: 'calibrating', negatives: cohort.negatives.length });
    const byId = new Map(request.samples.negatives.map((s) => [s.id, s]));
    let negatives: tf.Tensor | null = null;
    try {
      negatives = await readableInputs(
        cohort.negatives.map((id) => byId.get(id)!),
        net.config,
      );
      const n = negatives?.shape[0] ?? 0;
      if (negatives === null || n < CALIBRATION.minNegatives) return { kind: 'skipped', reason: tooFew(n) };
      const anchors = tf.gather(
        inputs,
        cohort.anchors.map((id) => index.get(id)!),
      );
      try {
        return { kind: 'calibrated', ...calibrateHead(net, anchors, negatives).result };
      } finally {
        anchors.dispose();
      }
    } catch (e) {
      return { kind: 'skipped', reason: `calibration failed (${errorMessage(e)})` };
    } finally {
      negatives?.dispose();
    }
  }

  async function run(request: StartRequest, signal: AbortSignal): Promise<void> {
    let backend: BackendReport;
    try {
      backend = await deps.selectBackend(request.backend);
    } catch (e) {
      throw new TrainingError('backend-failed', `No tf.js backend could start (${errorMessage(e)})`);
    }
    deps.post({ type: 'backend', backend });
    const resumeFrom = request.resume ? await deps.checkpoints.load() : undefined;
    if (request.resume && !resumeFrom)
      throw new TrainingError('no-checkpoint', 'There is no stopped training to resume; start a new training');
    const modelConfig: ModelConfig = validateModelConfig(resumeFrom ? resumeFrom.model : request.modelConfig);
    const asked = validateTrainingConfig(resumeFrom ? resumeFrom.training : request.trainingConfig);
    // The interval this run uses: the ready info, the checkpoints and the saved summary all say so.
    const trainingConfig: TrainingConfig = { ...asked, checkpointEvery: runCheckpointEvery(asked) };
    // trainingConfig.augment switches augmentation on (DEFAULT_AUGMENT_CONFIG); request.augment
    // may change its details (or switch it off with enabled: false).
    // Augmentation changes images; the face-recognition network trains on descriptors.
    const augment = modelConfig.faceModel === 'facerec' ? undefined : augmentFunction(trainingConfig, request.augment);
    const people = peopleOf(request.samples);
    const split = buildPeoplePairs(
      people,
      request.samples.negatives.map((s) => s.id),
      trainingConfig,
    );
    if (!resumeFrom) await deps.checkpoints.clear(); // a fresh start makes an old checkpoint stale

    const used = usedIds([...split.train, ...split.test]);
    const images = await prepareInputs(request, used, modelConfig, signal);
    if (images === null) {
      deps.post({ type: 'stopped', result: notTrained(resumeFrom) });
      return;
    }
    // Where the weights came from (for a resumed run: where the interrupted run started).
    const startedFrom: TrainingStart =
      deps.initialNetwork && trainingConfig.start === 'pretrained' && hasPretrainedWeights(modelConfig) ? 'pretrained' : 'scratch';
    let net: SiameseNetwork | undefined;
    const index = new Map(used.map((id, i) => [id, i]));
    try {
      net = !resumeFrom && deps.initialNetwork ? await deps.initialNetwork(modelConfig, trainingConfig.start) : buildSiamese(modelConfig);
      deps.post({
        type: 'ready',
        info: {
          backend,
          modelConfig,
          trainingConfig,
          trainPairs: split.train.length,
          testPairs: split.test.length,
          startedFrom,
          resumedFrom: resumeFrom ? { epochsDone: resumeFrom.epochsDone, batchesDone: resumeFrom.batchesDone } : null,
        },
      });
      const result: TrainResult = await train(net, { images, index, train: split.train, test: split.test }, trainingConfig, {
        signal,
        checkpoints: deps.checkpoints,
        resumeFrom,
        augment,
        onBatch: (progress) => deps.post({ type: 'progress', progress }),
        onEpoch: (metrics) => deps.post({ type: 'epoch', metrics }),
        onCheckpoint: (event) => deps.post({ type: 'checkpoint', event }),
        yieldBetweenBatches: deps.yieldBetweenBatches,
      });
      if (result.stopped) {
        deps.post({ type: 'stopped', result });
        return;
      }
      const calibration = trainingConfig.calibrate ? await calibrateRun(net, request, images, index, trainingConfig.seed) : undefined;
      const training: TrainingSummary = {
        modelConfig,
        trainingConfig,
        history: result.history,
        final: result.final,
        trainPairs: split.train.length,
        testPairs: split.test.length,
        backend: backend.backend,
        startedFrom,
        ...(calibration ? { calibration } : {}),
        people: people.map((p) => p.person),
      };
      try {
        await deps.saveModel(net, {
          thresholds: request.thresholds ?? DEFAULT_VERIFY_CONFIG,
          createdAt: new Date().toISOString(),
          training,
        });
      } catch (e) {
        throw new TrainingError(
          'storage-failed',
          `The trained model could not be saved (${errorMessage(e)}); free some storage space and train again`,
        );
      }
      deps.post({ type: 'done', result: { ...result, ...(calibration ? { calibration } : {}) }, modelKey: TRAINED_MODEL_KEY });
    } finally {
      images.dispose();
      if (net) disposeNetwork(net);
    }
  }

  return {
    async handle(message) {
      if (message.type === 'stop') {
        // A stop with nothing running still answers, so the page never waits forever.
        if (controller) controller.abort();
        else deps.post({ type: 'stopped', result: notTrained(undefined) });
        return;
      }
      if (controller) {
        deps.post({ type: 'error', code: 'worker-failed', message: 'Training is already running in this worker' });
        return;
      }
      controller = new AbortController();
      try {
        await run(message.request, controller.signal);
      } catch (e) {
        deps.post(toErrorMessage(e));
      } finally {
        controller = null;
      }
    },
  };
}
