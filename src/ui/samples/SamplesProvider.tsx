import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { getSampleStore, type KindCounts, getSettingsStore, requestPersistence } from '../../data';
import { useMessages } from '../common/Messages';
import { EMPTY_COUNTS, SamplesContext, type SamplesState } from './SamplesContext';
import { errorMessage } from '../../common';

/** True once the user has samples of their own worth keeping (not just the bundled negatives). */
export function hasOwnSamples(counts: Readonly<KindCounts>): boolean {
  return counts.anchor + counts.positive + counts.verification > 0;
}

/**
 * Holds the per-kind counts. `refresh()` calls may overlap (captures at 4/s); only the newest
 * answer is applied, so a slow read never shows an older count. Once the user has samples of their
 * own, asks the browser once (ever) to keep the storage persistent.
 */
export function SamplesProvider({ children }: { children: ReactNode }) {
  const [counts, setCounts] = useState<Readonly<KindCounts>>(EMPTY_COUNTS);
  const [loaded, setLoaded] = useState(false);
  const [version, setVersion] = useState(0);
  const seq = useRef(0);
  const { notify } = useMessages();

  const refresh = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const c = await getSampleStore().countByKind();
      if (mine !== seq.current) return;
      setCounts(c);
      setLoaded(true);
      setVersion((v) => v + 1);
    } catch (e) {
      if (mine === seq.current) notify('error', `Could not read the stored samples: ${errorMessage(e)}`);
    }
  }, [notify]);

  // The first count. (refresh sets state only after its await; the explicit .then keeps the
  // effect body free of state updates.)
  useEffect(() => {
    void Promise.resolve().then(refresh);
  }, [refresh]);

  const own = hasOwnSamples(counts);
  useEffect(() => {
    if (!own) return;
    let cancelled = false;
    (async () => {
      const settings = getSettingsStore();
      if (await settings.get('persistenceRequested')) return;
      const granted = await requestPersistence();
      if (cancelled) return;
      await settings.set('persistenceRequested', true);
      if (granted) notify('info', 'The browser will keep your samples even when disk space runs low.');
    })().catch(() => {
      /* asking is best effort; storage works without it */
    });
    return () => {
      cancelled = true;
    };
  }, [own, notify]);

  const state = useMemo<SamplesState>(() => ({ counts, loaded, version, refresh }), [counts, loaded, version, refresh]);
  return <SamplesContext.Provider value={state}>{children}</SamplesContext.Provider>;
}
