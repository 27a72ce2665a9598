import { describe, expect, it } from 'vitest';
import type { BatchProgress, EpochMetrics } from '../../training';
import { IDLE_VIEW, isRunning, progressOf, trainingReducer, type TrainingEvent, type TrainingView } from './trainingState';

const metrics = (epoch: number): EpochMetrics => ({
  epoch,
  trainLoss: 0.7 - epoch / 10,
  testLoss: 0.7,
  precision: 0.5,
  recall: 0.5,
  accuracy: 0.5,
  epochMs: 1000,
});
const batch = (epoch: number, b: number, batches = 3, epochs = 2): BatchProgress => ({
  epoch,
  batch: b,
  batches,
  epochs,
  loss: 0.6,
  stepMs: 900,
});
const run = (events: TrainingEvent[], from: TrainingView = IDLE_VIEW) => events.reduce(trainingReducer, from);

describe('trainingReducer', () => {
  it('follows a run: preparing → training → done, with progress and history', () => {
    const s = run([
      { type: 'start', epochs: 2, history: [], note: 'Decoding images…' },
      { type: 'batch', progress: batch(1, 1), t: 5000 },
      { type: 'batch', progress: batch(1, 2), t: 6000 },
    ]);
    expect(s.phase).toBe('training');
    expect(isRunning(s)).toBe(true);
    expect(s.note).toBeNull();
    expect(progressOf(s)).toEqual({
      stepsDone: 2,
      totalSteps: 6,
      epoch: 1,
      batch: 2,
      batches: 3,
      eta: { msPerStep: 1000, remainingMs: 4000 },
    });
    const e = run(
      [
        { type: 'batch', progress: batch(1, 3), t: 7000 },
        { type: 'epoch', metrics: metrics(1) },
      ],
      s,
    );
    expect(e.history).toEqual([metrics(1)]);
    const done = run([{ type: 'finished', stopped: false, history: [metrics(1), metrics(2)] }], e);
    expect(done.phase).toBe('done');
    expect(isRunning(done)).toBe(false);
    expect(done.history).toHaveLength(2);
    expect(done.calibration).toBeNull();
    // A note after the last batch (calibrating) shows with the progress; the run's calibration is kept.
    expect(run([{ type: 'note', note: 'calibrating…' }], e)).toMatchObject({ phase: 'training', note: 'calibrating…' });
    const skipped = { kind: 'skipped', reason: 'too few' } as const;
    expect(run([{ type: 'finished', stopped: false, history: [metrics(1)], calibration: skipped }], e).calibration).toEqual(skipped);
  });

  it('continues a resumed run: the history comes from the checkpoint, steps count from there', () => {
    const s = run([
      { type: 'start', epochs: 2, history: [metrics(1)], note: 'Loading the checkpoint…' },
      { type: 'batch', progress: batch(2, 1), t: 100 },
    ]);
    expect(s.history).toEqual([metrics(1)]);
    expect(progressOf(s)).toMatchObject({ stepsDone: 4, totalSteps: 6, eta: null });
  });

  it('stays stopping until the engine says it stopped, then offers resume', () => {
    const s = run([
      { type: 'start', epochs: 2, history: [], note: '' },
      { type: 'batch', progress: batch(1, 1), t: 0 },
      { type: 'stopping' },
      { type: 'batch', progress: batch(1, 2), t: 1 },
    ]);
    expect(s.phase).toBe('stopping');
    const stopped = run(
      [
        { type: 'checkpoint', epochsDone: 0, batchesDone: 2 },
        { type: 'finished', stopped: true, history: [] },
      ],
      s,
    );
    expect(stopped.phase).toBe('stopped');
    expect(stopped.checkpoint).toEqual({ epochsDone: 0, batchesDone: 2 });
    // Stop has no effect once finished.
    expect(trainingReducer(stopped, { type: 'stopping' })).toBe(stopped);
  });

  it('keeps the error message', () => {
    const s = run([
      { type: 'start', epochs: 2, history: [], note: '' },
      { type: 'error', message: 'The loss became NaN' },
    ]);
    expect(s).toMatchObject({ phase: 'error', note: 'The loss became NaN' });
    expect(progressOf(s)).toBeNull();
  });

  it('replaces an epoch reported twice (resumed mid-epoch) instead of duplicating it', () => {
    const s = run([
      { type: 'start', epochs: 3, history: [metrics(1), metrics(2)], note: '' },
      { type: 'epoch', metrics: { ...metrics(2), testLoss: 0.1 } },
    ]);
    expect(s.history.map((m) => m.epoch)).toEqual([1, 2]);
    expect(s.history[1]!.testLoss).toBe(0.1);
  });
});
