import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { ModelConfig, TrainingConfig } from '../../config';
import {
  createIdbCheckpointStore,
  type CheckpointSummary,
  type RunCallbacks,
  type RunHandle,
  type RunPlace,
  type StartRun,
} from '../../training';
import { useModel } from '../model/ModelContext';
import { useVerify } from '../verify/VerifyContext';
import { IDLE_VIEW, isRunning, trainingReducer, type TrainingView } from './trainingState';
import { errorMessage as message } from '../../common';

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
      setWhere(null);
      const history = resume && checkpoint ? checkpoint.history : [];
      dispatch({
        type: 'start',
        epochs: configs.training.epochs,
        history,
        note: resume ? 'Loading the checkpoint…' : 'Preparing the training data…',
      });
      let placed: { readonly where: RunPlace; readonly note: string } | null = null;
      const callbacks: RunCallbacks = {
        onNote: (note) => dispatch({ type: 'note', note }),
        onPlace: (w, note) => (placed = { where: w, note }),
        onReady: (info) => {
          if (placed) setWhere({ ...placed, testPairs: info.testPairs });
          dispatch({ type: 'note', note: 'Starting the first batch…' });
        },
        onProgress: (progress) => dispatch({ type: 'batch', progress, t: performance.now() }),
        onEpoch: (metrics) => dispatch({ type: 'epoch', metrics }),
        onCheckpoint: (event) => dispatch({ type: 'checkpoint', epochsDone: event.epochsDone, batchesDone: event.batchesDone }),
      };
      void (async () => {
        try {
          const h = startRun({ modelConfig: configs.model, trainingConfig: configs.training, resume, thresholds }, callbacks);
          handle.current = h;
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
    void handle.current?.stop();
    dispatch({ type: 'stopping' });
  }, []);

  return { view, where, checkpoint, checkpointError, start, stop };
}
