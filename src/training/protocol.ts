import type { AugmentConfigInput, ModelConfig, TrainingConfig, TrainingStart, VerifyConfig } from '../config';
import type { BackendName, BackendReport } from '../model';
import type { CheckpointEvent, BatchProgress, TrainResult } from './train';
import type { EpochMetrics } from './checkpoint';
import type { TrainingErrorCode } from './errors';
import type { CalibrationOutcome } from './calibrate';

/**
 * Messages between the page (client.ts) and the training worker (worker.ts).
 *
 * Data flow: the page reads the sample records from IndexedDB and posts their image blobs in
 * 'start' (blobs are structured-cloned cheaply: the worker gets handles to the same data). The
 * worker decodes and preprocesses them, trains, and writes checkpoints (CHECKPOINT_DB) and, when
 * done, the trained network (saveNetwork under TRAINED_MODEL_KEY) to IndexedDB itself; 'done' only
 * says so. The page then loads the network from IndexedDB (loadNetwork(TRAINED_MODEL_KEY)) on its
 * own tf.js backend. No tensors or weights cross the message channel.
 */

/** Key of the trained network in the model store (src/model io.ts). */
export const TRAINED_MODEL_KEY = 'current';

export type BackendPreference = 'auto' | BackendName;

export interface SampleBlob {
  /** The sample record's id (pairs and checkpoints refer to samples by id). */
  readonly id: string;
  /** The stored image: already the capture square, so the whole image is used. */
  readonly blob: Blob;
  /**
   * Whose anchor or positive this is (src/data personOf; absent: the default person). Negatives
   * belong to nobody and have none. The session trains one model for everyone (buildPeoplePairs).
   */
  readonly person?: string;
}

export interface TrainingSamples {
  readonly anchors: readonly SampleBlob[];
  readonly positives: readonly SampleBlob[];
  readonly negatives: readonly SampleBlob[];
}

/**
 * What a training run is asked to do: the one description of a run, for `startRun` (run.ts),
 * `startTraining` (client.ts) and, with the sample blobs, the worker's 'start' message.
 */
export interface RunRequest {
  /** Ignored on resume (the checkpoint's configs are used). */
  readonly modelConfig: Partial<ModelConfig>;
  readonly trainingConfig: Partial<TrainingConfig>;
  /** Continue from the stored checkpoint instead of starting over (which deletes it). */
  readonly resume: boolean;
  /** The tf.js backend to train on (startRun's default: 'auto'). */
  readonly backend?: BackendPreference;
  /**
   * Details of the augmentation of training batches (src/augment), over DEFAULT_AUGMENT_CONFIG.
   * Augmentation runs when the training config's `augment` is true (this may switch it off with
   * `enabled: false`); it is not stored in checkpoints, so a resumed run needs the same details.
   */
  readonly augment?: AugmentConfigInput;
  /** Decision thresholds saved with the trained network (default DEFAULT_VERIFY_CONFIG). */
  readonly thresholds?: VerifyConfig;
}

/** The 'start' message's request: a run's request with the sample blobs it trains on. */
export interface StartRequest extends RunRequest {
  readonly samples: TrainingSamples;
  readonly backend: BackendPreference;
}

export type PageMessage = { readonly type: 'start'; readonly request: StartRequest } | { readonly type: 'stop' };

export interface ReadyInfo {
  readonly backend: BackendReport;
  readonly modelConfig: ModelConfig;
  /** The config the run uses: `checkpointEvery` is the run's interval (session.ts runCheckpointEvery). */
  readonly trainingConfig: TrainingConfig;
  readonly trainPairs: number;
  readonly testPairs: number;
  /** Where the weights started: the pretrained face model (fine-tuning) or random weights. */
  readonly startedFrom: TrainingStart;
  /** Where a resumed run continues (null for a fresh start). */
  readonly resumedFrom: { readonly epochsDone: number; readonly batchesDone: number } | null;
}

/** A run's result: train()'s, and for a finished run its calibration (when the config asks for one). */
export type RunResult = TrainResult & { readonly calibration?: CalibrationOutcome };

/** What training saves with the network as `NetworkMeta.training`. */
export interface TrainingSummary {
  readonly modelConfig: ModelConfig;
  readonly trainingConfig: TrainingConfig;
  readonly history: readonly EpochMetrics[];
  readonly final: EpochMetrics | null;
  readonly trainPairs: number;
  readonly testPairs: number;
  readonly backend: BackendName;
  /** Where the weights started (absent in models trained before this field existed). */
  readonly startedFrom?: TrainingStart;
  /** The calibration after training (calibrate.ts); absent when the config does not calibrate. */
  readonly calibration?: CalibrationOutcome;
  /**
   * The people whose anchors and positives the run trained on (ids, src/data people.ts), so the app
   * can tell a person added since; absent in models trained before people existed.
   */
  readonly people?: readonly string[];
}

export type WorkerMessage =
  /**
   * The backend the worker chose, sent as soon as it runs (before the samples are decoded), so the
   * page can still move the run when the worker's backend is slower than its own (run.ts).
   */
  | { readonly type: 'backend'; readonly backend: BackendReport }
  /** Decoding the sample images (done of total). */
  | { readonly type: 'preparing'; readonly done: number; readonly total: number }
  | { readonly type: 'ready'; readonly info: ReadyInfo }
  | { readonly type: 'progress'; readonly progress: BatchProgress }
  | { readonly type: 'epoch'; readonly metrics: EpochMetrics }
  | { readonly type: 'checkpoint'; readonly event: CheckpointEvent }
  /** Training is over; the classifier is being calibrated on this many held-out negatives. */
  | { readonly type: 'calibrating'; readonly negatives: number }
  /** Training finished and the network is saved under `modelKey`. */
  | { readonly type: 'done'; readonly result: RunResult; readonly modelKey: string }
  /** Stopped on request; the checkpoint is saved (when a batch was trained since the start). */
  | { readonly type: 'stopped'; readonly result: TrainResult }
  | { readonly type: 'error'; readonly code: TrainingErrorCode; readonly message: string };
