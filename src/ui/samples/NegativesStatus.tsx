import { useEffect, useSyncExternalStore } from 'react';
import { ProgressBar } from '../common/ProgressBar';
import { loadBundledNegatives, negativesSnapshot, subscribeNegatives } from './bundledNegatives';
import { useSamples } from './SamplesContext';

/**
 * Loads the bundled negatives on first run, without the user doing anything, and shows the
 * progress ("Loading bundled negatives: k / n") or why it failed, with a retry. Shows nothing once
 * they are in (or were already).
 */
export function NegativesStatus() {
  const load = useSyncExternalStore(subscribeNegatives, negativesSnapshot, negativesSnapshot);
  const { refresh } = useSamples();

  useEffect(() => {
    loadBundledNegatives(import.meta.env.BASE_URL, () => void refresh());
  }, [refresh]);

  if (load.phase === 'loading') {
    return (
      <div className="negatives-status" data-testid="negatives-progress" role="status">
        <ProgressBar label="Loading bundled negatives" value={load.loaded} max={load.total} />
      </div>
    );
  }
  if (load.phase === 'error') {
    return (
      <div className="negatives-status negatives-error" role="alert" data-testid="negatives-error">
        <p>The bundled negative images could not be loaded: {load.message} You can import photos of other people as negatives instead.</p>
        <button type="button" className="btn" onClick={() => loadBundledNegatives(import.meta.env.BASE_URL, () => void refresh())}>
          Try again
        </button>
      </div>
    );
  }
  return null;
}
