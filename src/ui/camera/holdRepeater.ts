/**
 * Press-and-hold repetition, shared by the capture keys and the capture buttons. Pressing fires at
 * once and then every `intervalMs` until released. The browser's own key auto-repeat arrives as
 * more presses of a key that is already down: those are ignored, so the rate is ours, not the OS's.
 * While a fired action (an async capture) is still running, timer ticks are skipped rather than
 * queued, so a slow device never builds up a backlog that keeps capturing after the key is released.
 * A fresh press always fires: quick taps are each one capture.
 */

export interface Scheduler {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (h) => globalThis.clearInterval(h as ReturnType<typeof globalThis.setInterval>),
};

export interface HoldRepeater<K> {
  /** A key or button went down. Ignored while `k` is already held (auto-repeat). */
  press(k: K): void;
  /** A key or button went up. Ignored unless `k` is the one held. */
  release(k: K): void;
  /** Stop whatever is held (window blur, page hidden, unmount). */
  releaseAll(): void;
  /** The key held now, or null. */
  held(): K | null;
}

export interface HoldRepeaterOptions<K> {
  readonly intervalMs: number;
  /** The action; when it returns a promise, ticks are skipped until it settles. */
  readonly fire: (k: K) => void | Promise<unknown>;
  readonly scheduler?: Scheduler;
}

/** The repeat interval for a rate in captures per second (e.g. 4/s → 250 ms). */
export function repeatIntervalMs(perSecond: number): number {
  if (!(perSecond > 0) || !Number.isFinite(perSecond))
    throw new Error(`repeatIntervalMs: rate must be a positive number, got ${perSecond}`);
  return 1000 / perSecond;
}

export function createHoldRepeater<K>({ intervalMs, fire, scheduler = realScheduler }: HoldRepeaterOptions<K>): HoldRepeater<K> {
  if (!(intervalMs > 0)) throw new Error(`createHoldRepeater: intervalMs must be positive, got ${intervalMs}`);
  let current: K | null = null;
  let handle: unknown = null;
  let pending = 0;

  const run = (k: K) => {
    let result: void | Promise<unknown>;
    try {
      result = fire(k);
    } catch {
      return; // the action reports its own errors; a throw must not wedge the repeater
    }
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      pending++;
      const done = () => void pending--;
      (result as Promise<unknown>).then(done, done);
    }
  };
  const tick = (k: K) => {
    if (pending === 0) run(k);
  };

  const stop = () => {
    if (handle !== null) scheduler.clearInterval(handle);
    handle = null;
    current = null;
  };

  return {
    press(k) {
      if (current === k) return;
      stop();
      current = k;
      run(k);
      handle = scheduler.setInterval(() => tick(k), intervalMs);
    },
    release(k) {
      if (current === k) stop();
    },
    releaseAll: stop,
    held: () => current,
  };
}
