import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { ModelConfig, TrainingConfig, VerifyConfig } from '../../config';
import { createIdbCheckpointStore, type BatchProgress, type CheckpointEvent, type CheckpointSummary, type EpochMetrics, type RunResult } from '../../training';
import { useModel } from '../model/ModelContext';
import { useVerify } from '../verify/VerifyContext';
import { IDLE_VIEW, isRunning, trainingReducer, type TrainingView } from './trainingState';
import { errorMessage as message } from '../../common';

/** What the panel asks of the training client (src/training client.ts, adapted in startRun.ts). */
export interface RunRequest {
  readonly training: TrainingConfig;
  readonly model: ModelConfig;
  /** Continue from the stored checkpoint. */
  readonly resume: boolean;
  /** Saved with the trained model. */
  readonly thresholds: VerifyConfig;
}

export type RunPlace = 'worker' | 'page';

export interface RunCallbacks {
  /** What happens before the first step (loading samples, decoding images, …). */
  onNote(note: string): void;
  /**
   * Training starts now, here (a Web Worker, or this page when the worker could not run); `note`
   * says where and on which backend; `pairs` are the split's sizes.
   */
  onReady(where: RunPlace, note: string, pairs: { readonly train: number; readonly test: number }): void;
  onBatch(progress: BatchProgress): void;
  onEpoch(metrics: EpochMetrics): void;
  onCheckpoint(event: CheckpointEvent): void;
}

export interface RunHandle {
  /** Stop after the current batch; a checkpoint is written. */
  stop(): void;
  /** Resolves when training ends (the trained model is then saved in IndexedDB). */
  readonly done: Promise<RunResult>;
}

export type StartRun = (request: RunRequest, callbacks: RunCallbacks) => Promise<RunHandle>;

export interface TrainingRun {
  readonly view: TrainingView;
  /** Where the current (or last) run trains and why there, and its pair counts. */
  readonly where: { readonly where: RunPlace; readonly note: string; readonly testPairs: number } | null;
  /** The stored checkpoint (null when there is none); re-read after each run. */
  readonly checkpoint: CheckpointSummary | null;
  /** Why the stored checkpoint could not be read, if it could not. */
  readonly checkpointError: string | null;
  start(configs: { training: TrainingConfig; model: ModelConfig }, resume: boolean): void;
  stop(): void;
}

const PAUSE_REASON = 'Paused while training: the processor is busy learning. The verdict comes back when training ends.';

/** Runs training through `startRun`, tracks progress, pauses live verification meanwhile. */
export function useTrainingRun(startRun: StartRun): TrainingRun {
  const [view, dispatch] = useReducer(trainingReducer, IDLE_VIEW);
  const [where, setWhere] = useState<TrainingRun['where']>(null);
  const [checkpoint, setCheckpoint] = useState<CheckpointSummary | null>(null);
  const [checkpointError, setCheckpointError] = useState<string | null>(null);
  const handle = useRef<RunHandle | null>(null);
  /** True from Train/Resume until the run ended (set synchronously: a double click starts one run). */
  const active = useRef(false);
  const stopRequested = useRef(false);
  const model = useModel();
  const { thresholds, setPause } = useVerify();
  const { reload } = model;

  const readCheckpoint = useCallback(async () => {
    try {
      const summary = await createIdbCheckpointStore().summary();
      setCheckpoint(summary ?? null);
      setCheckpointError(null);
      return summary ?? null;
    } catch (e) {
      setCheckpoint(null);
      setCheckpointError(message(e));
      return null;
    }
  }, []);

  // An unfinished checkpoint from an earlier visit (Stop, reload or crash): offer to resume.
  useEffect(() => {
    void Promise.resolve().then(readCheckpoint);
  }, [readCheckpoint]);

  const running = isRunning(view);
  useEffect(() => {
    setPause(running ? PAUSE_REASON : null);
  }, [running, setPause]);
  useEffect(() => () => setPause(null), [setPause]);

  const start = useCallback(
    (configs: { training: TrainingConfig; model: ModelConfig }, resume: boolean) => {
      if (active.current) return;
      active.current = true;
      stopRequested.current = false;
      setWhere(null);
      const history = resume && checkpoint ? checkpoint.history : [];
      dispatch({ type: 'start', epochs: configs.training.epochs, history, note: resume ? 'Loading the checkpoint…' : 'Preparing the training data…' });
      const callbacks: RunCallbacks = {
        onNote: (note) => dispatch({ type: 'note', note }),
        onReady: (w, note, pairs) => {
          setWhere({ where: w, note, testPairs: pairs.test });
          dispatch({ type: 'note', note: 'Starting the first batch…' });
        },
        onBatch: (progress) => dispatch({ type: 'batch', progress, t: performance.now() }),
        onEpoch: (metrics) => dispatch({ type: 'epoch', metrics }),
        onCheckpoint: (event) => dispatch({ type: 'checkpoint', epochsDone: event.epochsDone, batchesDone: event.batchesDone }),
      };
      void (async () => {
        try {
          const h = await startRun({ ...configs, resume, thresholds }, callbacks);
          handle.current = h;
          if (stopRequested.current) h.stop();
          const result = await h.done;
          dispatch({ type: 'finished', stopped: result.stopped, history: result.history, calibration: result.calibration });
          if (!result.stopped) {
            // The run is complete: its checkpoint (from an interval or an earlier Stop) is spent.
            await createIdbCheckpointStore()
              .clear()
              .catch(() => undefined);
            await readCheckpoint(); // the resume offer goes at once, not after the model loaded
            await reload();
          }
        } catch (e) {
          dispatch({ type: 'error', message: message(e) });
        } finally {
          handle.current = null;
          active.current = false;
          await readCheckpoint();
        }
      })();
    },
    [startRun, checkpoint, thresholds, reload, readCheckpoint],
  );

  const stop = useCallback(() => {
    stopRequested.current = true;
    handle.current?.stop();
    dispatch({ type: 'stopping' });
  }, []);

  return { view, where, checkpoint, checkpointError, start, stop };
}
