/**
 * Pacing of live verification on the page's main thread. A frame's verification blocks the main
 * thread for its whole latency (the wasm and cpu backends compute synchronously), so after each
 * frame the loop waits one animation frame plus a pause in proportion to that latency: the page
 * keeps at least `share` of the main thread for the preview, buttons and typing, whatever the
 * device's speed, and on a fast device (WebGL, a few ms per frame) verification still runs at
 * display rate. Pure.
 */

/** Default share of the main thread left to the page. */
export const PAGE_SHARE = 1 / 3;

/** Longest pause between frames, so a slow frame does not make the verdict stale for long. */
export const MAX_PAUSE_MS = 1000;

/** Milliseconds to wait after a frame that took `latencyMs`, so the page gets `share` of the time. */
export function pauseAfterFrame(latencyMs: number, share = PAGE_SHARE): number {
  if (!(latencyMs > 0) || !(share > 0 && share < 1)) return 0;
  return Math.min(MAX_PAUSE_MS, Math.round((latencyMs * share) / (1 - share)));
}
