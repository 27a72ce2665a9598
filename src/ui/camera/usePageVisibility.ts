import { useSyncExternalStore } from 'react';

/**
 * Page visibility as a number: -1 while the page is hidden, otherwise a counter that grows each
 * time the page becomes visible again. Effects that depend on it re-run on every return to the
 * page (the camera restarts), and a result from an earlier visible period is told apart from the
 * current one.
 */
let visibleEpoch = 0;
if (typeof document !== 'undefined') {
  // Installed once at load, before any React subscriber, so the epoch is current when they read it.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'hidden') visibleEpoch++;
  });
}

function subscribe(onChange: () => void): () => void {
  document.addEventListener('visibilitychange', onChange);
  return () => document.removeEventListener('visibilitychange', onChange);
}

export function usePageVisibility(): number {
  return useSyncExternalStore(
    subscribe,
    () => (document.visibilityState === 'hidden' ? -1 : visibleEpoch),
    () => 0,
  );
}
