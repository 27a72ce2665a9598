/**
 * The training engine (train, checkpoints), the training Web Worker's protocol, its page-side
 * client and the app's one entry to a run: `startRun(request, callbacks) → { stop, cancel, done }`,
 * in the worker or, when it cannot run there, in the page. No React. worker.ts is an entry point
 * (started by client.ts), not exported.
 */
export {
  train,
  augmentFunction,
  pairLoss,
  trainedWeights,
  CONV_LAYERS,
  type TrainingData,
  type TrainOptions,
  type TrainResult,
  type BatchProgress,
  type CheckpointEvent,
} from './train';
export {
  createIdbCheckpointStore,
  createMemoryCheckpointStore,
  captureState,
  restoreState,
  summaryOf,
  CHECKPOINT_DB,
  CHECKPOINT_VERSION,
  type Checkpoint,
  type CheckpointStore,
  type CheckpointSummary,
  type EpochMetrics,
  type IdbCheckpointOptions,
} from './checkpoint';
export {
  calibrateHead,
  calibrationCohort,
  cohortLogits,
  logitThresholdAtFar,
  CALIBRATION,
  CALIBRATION_TARGET_FAR,
  type Calibrated,
  type CalibrationCohort,
  type CalibrationOutcome,
  type CalibrationResult,
} from './calibrate';
export { binaryMetrics, confusion, type BinaryMetrics, type Confusion } from './metrics';
export { TrainingError, type TrainingErrorCode } from './errors';
export { startTraining, createTrainingWorker, type RunCallbacks, type RunHandle, type RunPlace, type WorkerLike } from './client';
export {
  startRun,
  createStartRun,
  createInPageWorker,
  loadTrainingSamples,
  startNote,
  workerBackendShortfall,
  type StartRun,
  type StartRunDeps,
} from './run';
export { createSessionDeps } from './deps';
export {
  TRAINED_MODEL_KEY,
  type BackendPreference,
  type PageMessage,
  type ReadyInfo,
  type RunRequest,
  type RunResult,
  type SampleBlob,
  type StartRequest,
  type TrainingSamples,
  type TrainingSummary,
  type WorkerMessage,
} from './protocol';
export { createTrainingSession, peopleOf, toErrorMessage, type SessionDeps, type TrainingSession } from './session';
