/**
 * The training engine (train, checkpoints), the training Web Worker's protocol and its page-side
 * client. No React. worker.ts is an entry point (started by client.ts), not exported.
 */
export { train, augmentFunction, pairLoss, trainedWeights, CONV_LAYERS, type TrainingData, type TrainOptions, type TrainResult, type BatchProgress, type CheckpointEvent } from './train';
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
export { calibrateHead, calibrationCohort, cohortLogits, logitThresholdAtFar, CALIBRATION, type Calibrated, type CalibrationCohort, type CalibrationOutcome, type CalibrationResult } from './calibrate';
export { binaryMetrics, confusion, type BinaryMetrics, type Confusion } from './metrics';
export { TrainingError, type TrainingErrorCode } from './errors';
export { startTraining, createTrainingWorker, type TrainingCallbacks, type TrainingHandle, type WorkerLike } from './client';
export {
  TRAINED_MODEL_KEY,
  type BackendPreference,
  type PageMessage,
  type ReadyInfo,
  type RunResult,
  type SampleBlob,
  type StartRequest,
  type TrainingSamples,
  type TrainingSummary,
  type WorkerMessage,
} from './protocol';
export { createTrainingSession, toErrorMessage, type SessionDeps, type TrainingSession } from './session';
