/**
 * The Train panel's state, as a reducer over the training engine's events. Pure: the panel feeds
 * it what the training client reports (with the time each event arrived) and renders the result.
 */
import type { BatchProgress, CalibrationOutcome, EpochMetrics } from '../../training';
import { estimateEta, type Eta, type StepMark } from './eta';

export type TrainingPhase = 'idle' | 'preparing' | 'training' | 'stopping' | 'stopped' | 'done' | 'error';

export interface TrainingView {
  readonly phase: TrainingPhase;
  /** Per-epoch metrics so far (a resumed run starts with the checkpoint's history). */
  readonly history: readonly EpochMetrics[];
  /** Epochs this run trains to. */
  readonly epochs: number;
  /** The last batch reported. */
  readonly batch: Pick<BatchProgress, 'epoch' | 'batch' | 'batches' | 'loss'> | null;
  /** Completion times of the steps seen in this run (for the ETA). */
  readonly marks: readonly StepMark[];
  /** What the run is doing before its first step (decoding images…), or why it failed. */
  readonly note: string | null;
  /** Where the last checkpoint of this run was written (epochs done, batches of the next epoch). */
  readonly checkpoint: { readonly epochsDone: number; readonly batchesDone: number } | null;
  /** The finished run's calibration (null before the end, or when the run did not calibrate). */
  readonly calibration: CalibrationOutcome | null;
}

export type TrainingEvent =
  | { readonly type: 'start'; readonly epochs: number; readonly history: readonly EpochMetrics[]; readonly note: string }
  | { readonly type: 'note'; readonly note: string }
  | { readonly type: 'batch'; readonly progress: BatchProgress; readonly t: number }
  | { readonly type: 'epoch'; readonly metrics: EpochMetrics }
  | { readonly type: 'checkpoint'; readonly epochsDone: number; readonly batchesDone: number }
  | { readonly type: 'stopping' }
  | {
      readonly type: 'finished';
      readonly stopped: boolean;
      readonly history: readonly EpochMetrics[];
      readonly calibration?: CalibrationOutcome;
    }
  | { readonly type: 'error'; readonly message: string };

export const IDLE_VIEW: TrainingView = {
  phase: 'idle',
  history: [],
  epochs: 0,
  batch: null,
  marks: [],
  note: null,
  checkpoint: null,
  calibration: null,
};

/** Only the recent marks matter for the ETA window. */
const MAX_MARKS = 64;

export function trainingReducer(state: TrainingView, event: TrainingEvent): TrainingView {
  switch (event.type) {
    case 'start':
      return { ...IDLE_VIEW, phase: 'preparing', epochs: event.epochs, history: event.history, note: event.note };
    case 'note':
      return { ...state, note: event.note };
    case 'batch': {
      const p = event.progress;
      const mark = { step: (p.epoch - 1) * p.batches + p.batch, t: event.t };
      return {
        ...state,
        phase: state.phase === 'stopping' ? 'stopping' : 'training',
        epochs: p.epochs,
        batch: { epoch: p.epoch, batch: p.batch, batches: p.batches, loss: p.loss },
        marks: [...state.marks, mark].slice(-MAX_MARKS),
        note: null,
      };
    }
    case 'epoch':
      return { ...state, history: [...state.history.filter((m) => m.epoch < event.metrics.epoch), event.metrics] };
    case 'checkpoint':
      return { ...state, checkpoint: { epochsDone: event.epochsDone, batchesDone: event.batchesDone } };
    case 'stopping':
      return state.phase === 'preparing' || state.phase === 'training' ? { ...state, phase: 'stopping' } : state;
    case 'finished':
      return {
        ...state,
        phase: event.stopped ? 'stopped' : 'done',
        history: event.history,
        note: null,
        calibration: event.calibration ?? null,
      };
    case 'error':
      return { ...state, phase: 'error', note: event.message };
  }
}

export interface ProgressNumbers {
  /** Global steps done and planned (all epochs × batches per epoch). */
  readonly stepsDone: number;
  readonly totalSteps: number;
  readonly epoch: number;
  readonly batch: number;
  readonly batches: number;
  readonly eta: Eta | null;
}

/** Progress by step (batch across epochs) with the ETA; null before the first batch. */
export function progressOf(view: TrainingView): ProgressNumbers | null {
  if (!view.batch) return null;
  const { epoch, batch, batches } = view.batch;
  const totalSteps = view.epochs * batches;
  const stepsDone = (epoch - 1) * batches + batch;
  return { stepsDone, totalSteps, epoch, batch, batches, eta: estimateEta({ marks: view.marks, totalSteps }) };
}

/** Whether a run is in progress (Train and Resume disabled, Stop enabled). */
export function isRunning(view: TrainingView): boolean {
  return view.phase === 'preparing' || view.phase === 'training' || view.phase === 'stopping';
}
