import type { BackendReport } from '../model';
import type { CheckpointEvent, BatchProgress } from './train';
import type { EpochMetrics } from './checkpoint';
import { errorMessage, TrainingError } from './errors';
import type { PageMessage, ReadyInfo, RunResult, StartRequest, WorkerMessage } from './protocol';

/**
 * The page side of the training worker. `startTraining` starts a worker, posts the request and
 * turns the worker's messages into callbacks and one promise. The worker saves checkpoints and the
 * trained network to IndexedDB itself; when `done` resolves (not stopped), load the network with
 * `loadNetwork(TRAINED_MODEL_KEY)` (see protocol.ts). The worker is terminated when training ends,
 * stops or fails, which frees its backend's memory (GPU textures, wasm heap).
 */

/** Where a run trains: a Web Worker, or this page's main thread (run.ts). */
export type RunPlace = 'worker' | 'page';

/**
 * A run's callbacks, all optional: `startTraining` calls those of one worker's messages; `startRun`
 * (run.ts) passes them on from wherever the run trains and adds `onNote` and `onPlace`.
 */
export interface RunCallbacks {
  /** What happens before the first step, in words (loading samples, decoding images, …; startRun only). */
  readonly onNote?: (note: string) => void;
  /** Sample images decoded so far (before training starts). */
  readonly onPreparing?: (done: number, total: number) => void;
  /** The worker's backend, chosen before it decodes the samples (see `RunHandle.cancel`). */
  readonly onBackend?: (backend: BackendReport) => void;
  /**
   * Where training runs (a Web Worker, or this page when the worker could not run or only slower),
   * and a note that says why there and on which backend; called just before `onReady` (startRun only).
   */
  readonly onPlace?: (where: RunPlace, note: string) => void;
  /** Backend chosen, pairs built, network ready: training starts now. */
  readonly onReady?: (info: ReadyInfo) => void;
  readonly onProgress?: (progress: BatchProgress) => void;
  readonly onEpoch?: (metrics: EpochMetrics) => void;
  readonly onCheckpoint?: (event: CheckpointEvent) => void;
  /** Training is over and the model is being calibrated on `negatives` held-out faces. */
  readonly onCalibrating?: (negatives: number) => void;
}

export interface RunHandle {
  /** Asks the run to stop after its current batch; resolves once it has (checkpoint written). */
  stop(): Promise<void>;
  /**
   * Ends the run at once, without waiting for its batch and without a checkpoint: for a run
   * moved elsewhere before it trained (e.g. from `onBackend`). Later messages are dropped and
   * `done` rejects with 'worker-failed'. Nothing happens when training has already ended.
   */
  cancel(): void;
  /**
   * Resolves with the result when training ends (`stopped: false`, the network is saved) or is
   * stopped (`stopped: true`); rejects with a TrainingError (code from the worker, or
   * 'worker-failed' when the worker itself could not run).
   */
  readonly done: Promise<RunResult>;
}

/** The part of `Worker` the client uses (tests pass a fake). */
export interface WorkerLike {
  postMessage(message: PageMessage): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<WorkerMessage>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
}

export function createTrainingWorker(): WorkerLike {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'siamese-training' });
}

export function startTraining(
  request: StartRequest,
  callbacks: RunCallbacks = {},
  createWorker: () => WorkerLike = createTrainingWorker,
): RunHandle {
  let settled = false;
  const waiters: Array<() => void> = [];
  let resolveDone!: (result: RunResult) => void;
  let rejectDone!: (error: TrainingError) => void;
  const done = new Promise<RunResult>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });

  let worker: WorkerLike;
  const finish = (outcome: { result: RunResult } | { error: TrainingError }) => {
    if (settled) return;
    settled = true;
    worker.terminate();
    if ('result' in outcome) resolveDone(outcome.result);
    else rejectDone(outcome.error);
    waiters.splice(0).forEach((wake) => wake());
  };

  try {
    worker = createWorker();
  } catch (e) {
    const error = new TrainingError('worker-failed', `The training worker could not start (${errorMessage(e)})`);
    return { stop: () => Promise.resolve(), cancel: () => undefined, done: Promise.reject(error) };
  }

  worker.onmessage = (event) => {
    if (settled) return; // e.g. messages still queued when cancel() ended the worker
    const m = event.data;
    switch (m.type) {
      case 'backend':
        return callbacks.onBackend?.(m.backend);
      case 'preparing':
        return callbacks.onPreparing?.(m.done, m.total);
      case 'ready':
        return callbacks.onReady?.(m.info);
      case 'progress':
        return callbacks.onProgress?.(m.progress);
      case 'epoch':
        return callbacks.onEpoch?.(m.metrics);
      case 'checkpoint':
        return callbacks.onCheckpoint?.(m.event);
      case 'calibrating':
        return callbacks.onCalibrating?.(m.negatives);
      case 'done':
      case 'stopped':
        return finish({ result: m.result });
      case 'error':
        return finish({ error: new TrainingError(m.code, m.message) });
    }
  };
  worker.onerror = (event) => {
    event.preventDefault?.();
    finish({ error: new TrainingError('worker-failed', `The training worker failed: ${event.message || 'it could not be loaded'}`) });
  };
  worker.onmessageerror = () =>
    finish({ error: new TrainingError('worker-failed', 'A message from the training worker could not be read') });
  worker.postMessage({ type: 'start', request });

  return {
    stop() {
      if (settled) return Promise.resolve();
      const stopped = new Promise<void>((resolve) => waiters.push(resolve));
      worker.postMessage({ type: 'stop' });
      return stopped;
    },
    cancel() {
      finish({ error: new TrainingError('worker-failed', 'The training worker was ended before it finished (cancelled)') });
    },
    done,
  };
}
