/**
 * Honest time estimates for training, from measured step times. Pure.
 *
 * Each completed step is recorded as a mark (global step number and the time it finished). The
 * time per step is the mean interval over the most recent marks, so the per-epoch test
 * evaluation, which falls between two steps, is counted in proportion; the very first step
 * (which includes shader compilation / wasm warm-up) is left out as soon as there are others.
 */

export interface StepMark {
  /** 1-based global step number (across epochs). */
  readonly step: number;
  /** When the step finished, in ms (performance.now()). */
  readonly t: number;
}

export interface EtaInput {
  readonly marks: readonly StepMark[];
  readonly totalSteps: number;
  /** How many recent intervals to average (default 20). */
  readonly window?: number;
}

export interface Eta {
  /** Measured mean ms per step. */
  readonly msPerStep: number;
  /** Estimated ms until the last step. */
  readonly remainingMs: number;
}

/**
 * The estimate, or null while there is nothing to measure yet (fewer than two marks: one interval
 * is needed, and the first mark only gives the warm-up point).
 */
export function estimateEta({ marks, totalSteps, window = 20 }: EtaInput): Eta | null {
  if (marks.length < 2) return null;
  const recent = marks.slice(-(window + 1));
  const first = recent[0]!;
  const last = recent[recent.length - 1]!;
  const steps = last.step - first.step;
  if (steps <= 0) return null;
  const msPerStep = Math.max(0, last.t - first.t) / steps;
  const remaining = Math.max(0, totalSteps - last.step);
  return { msPerStep, remainingMs: remaining * msPerStep };
}

/** "about 3 min 20 s", "about 45 s", "less than a second"; rounded to what an estimate deserves. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < 1000) return 'less than a second';
  const s = Math.round(ms / 1000);
  if (s < 60) return `about ${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = s % 60;
    // Above 10 minutes, seconds are noise.
    if (m >= 10) return `about ${Math.round(s / 60)} min`;
    return rest === 0 ? `about ${m} min` : `about ${m} min ${rest} s`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m === 0 ? `about ${h} h` : `about ${h} h ${m} min`;
}

/** Global 1-based step number of a batch, given the 0-based epoch and 0-based batch index. */
export function globalStep(epoch: number, batch: number, batchesPerEpoch: number): number {
  return epoch * batchesPerEpoch + batch + 1;
}
