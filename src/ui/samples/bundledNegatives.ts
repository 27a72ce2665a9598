import { ensureBundledNegatives, type EnsureNegativesResult, type NegativesProgress } from '../../data';
import { errorMessage } from '../../common';

/**
 * The first-run load of the bundled negative pack, as a tiny external store: started once per
 * page (React StrictMode mounts effects twice; the load must not run twice), observed with
 * useSyncExternalStore, retried on demand after a failure.
 */
export type NegativesLoad =
  | { readonly phase: 'idle' }
  | { readonly phase: 'loading'; readonly loaded: number; readonly total: number | null }
  | { readonly phase: 'done'; readonly result: EnsureNegativesResult }
  | { readonly phase: 'error'; readonly message: string };

let state: NegativesLoad = { phase: 'idle' };
const listeners = new Set<() => void>();

function setState(next: NegativesLoad): void {
  state = next;
  for (const l of listeners) l();
}

export function subscribeNegatives(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function negativesSnapshot(): NegativesLoad {
  return state;
}

/**
 * Starts the load unless it is running or done. `onStored` is called after every stored batch
 * and at the end (the UI re-reads its counts). `baseUrl` is the app's base URL.
 */
export function loadBundledNegatives(baseUrl: string, onStored: () => void): void {
  if (state.phase === 'loading' || state.phase === 'done') return;
  setState({ phase: 'loading', loaded: 0, total: null });
  const onProgress = (p: NegativesProgress) => {
    setState({ phase: 'loading', loaded: p.loaded, total: p.total });
    onStored();
  };
  ensureBundledNegatives(baseUrl, onProgress).then(
    (result) => {
      setState({ phase: 'done', result });
      onStored();
    },
    (e: unknown) => {
      setState({ phase: 'error', message: errorMessage(e) });
      onStored();
    },
  );
}
