/**
 * A frame loop for live verification, independent of React and of tf.js: grab a frame, verify it,
 * report the result with its latency, yield to the page, repeat — as fast as the device allows,
 * never two verifications at once. Stops when `signal` aborts.
 *
 * The loop owns each grabbed frame: it is disposed after `verify` on every path (also when verify
 * throws). Between frames it waits for the next animation frame (or a zero timeout where there is
 * none, e.g. Node or a worker), so rendering and input are never starved; in a hidden tab the
 * browser pauses animation frames and so the loop.
 */

export interface FrameResult<R> {
  readonly result: R;
  /** Milliseconds from grabbing the frame to its result (grab + preprocess + verify). */
  readonly latencyMs: number;
  /** 0-based index of the verified frame in this run. */
  readonly frame: number;
}

export interface LoopStats {
  /** Frames verified. */
  readonly frames: number;
  /** Mean latency over them (0 when none). */
  readonly meanLatencyMs: number;
}

export interface VerificationLoopOptions<F extends { dispose(): void }, R> {
  /** The current frame, ready for `verify` (e.g. a preprocessed Tensor3D), or null when there is none yet. */
  readonly grab: () => F | null;
  readonly verify: (frame: F) => Promise<R>;
  readonly onResult: (result: FrameResult<R>) => void;
  readonly signal: AbortSignal;
  /** Waits between frames. Default: requestAnimationFrame, or setTimeout(0) where there is none. */
  readonly nextTick?: () => Promise<void>;
  /** Clock in ms (default performance.now). */
  readonly now?: () => number;
}

export function defaultNextTick(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => resolve());
    else setTimeout(resolve, 0);
  });
}

/**
 * Runs until `signal` aborts; resolves with the run's stats. Rejects (and stops) when `grab` or
 * `verify` throws; the frame in flight is disposed first.
 */
export async function runVerificationLoop<F extends { dispose(): void }, R>(options: VerificationLoopOptions<F, R>): Promise<LoopStats> {
  const { grab, verify, onResult, signal } = options;
  const nextTick = options.nextTick ?? defaultNextTick;
  const now = options.now ?? (() => performance.now());
  let frames = 0;
  let totalMs = 0;
  while (!signal.aborted) {
    const start = now();
    const frame = grab();
    if (frame !== null) {
      let result: R;
      try {
        result = await verify(frame);
      } finally {
        frame.dispose();
      }
      // A stop requested while verifying wins: its result is not reported.
      if (signal.aborted) break;
      const latencyMs = now() - start;
      totalMs += latencyMs;
      onResult({ result, latencyMs, frame: frames });
      frames++;
    }
    await nextTick();
  }
  return { frames, meanLatencyMs: frames === 0 ? 0 : totalMs / frames };
}
