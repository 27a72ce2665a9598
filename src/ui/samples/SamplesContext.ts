import { createContext, useContext } from 'react';
import type { SampleKind } from '../../data';

/** Sample counts for the whole UI: every panel that shows or needs them reads this one context. */
export interface SamplesState {
  readonly counts: Readonly<Record<SampleKind, number>>;
  /** False until the first count came back from IndexedDB. */
  readonly loaded: boolean;
  /** Grows whenever samples change (capture, import, delete), so consumers can re-read. */
  readonly version: number;
  /** Re-reads the counts and bumps `version`. Call it after changing samples. */
  refresh(): Promise<void>;
}

export const EMPTY_COUNTS: Readonly<Record<SampleKind, number>> = { anchor: 0, positive: 0, negative: 0, verification: 0 };

export const SamplesContext = createContext<SamplesState | null>(null);

export function useSamples(): SamplesState {
  const s = useContext(SamplesContext);
  if (!s) throw new Error('useSamples must be used inside <SamplesProvider>');
  return s;
}
