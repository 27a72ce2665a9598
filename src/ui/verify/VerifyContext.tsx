import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { DEFAULT_VERIFY_CONFIG } from '../../config';
import { getSettingsStore } from '../../data';
import type { SiameseNetwork } from '../../model';
import {
  listVerificationIds,
  loadVerificationImages,
  pageFrameInput,
  VerificationEngine,
  type EngineSnapshot,
  type Thresholds,
} from '../../verify';
import { useModel } from '../model/ModelContext';

/**
 * Verification state shared by the overlay and the Verify panel: the one verifier (with cached
 * embeddings), the thresholds (remembered in the settings store) and a pause switch (training
 * pauses live verification so the two do not fight over the processor).
 */
export interface VerifyState {
  readonly engine: VerificationEngine;
  readonly embedding: EngineSnapshot;
  readonly thresholds: Thresholds;
  setThresholds(t: Thresholds): void;
  /** Why live verification is paused, or null. */
  readonly pause: string | null;
  setPause(reason: string | null): void;
}

const VerifyContext = createContext<VerifyState | null>(null);

/** Provides the verification state; inside <ModelProvider> (the engine marks the networks it uses). */
export function VerifyProvider({ children }: { children: ReactNode }) {
  const { use } = useModel();
  const [engine] = useState(
    () => new VerificationEngine({ listIds: listVerificationIds, loadImages: loadVerificationImages, frameInput: pageFrameInput, use }),
  );
  const embedding = useSyncExternalStore(engine.subscribe, engine.getSnapshot);
  const [thresholds, setThresholdsState] = useState<Thresholds>(DEFAULT_VERIFY_CONFIG);
  const [pause, setPause] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    getSettingsStore()
      .get('verify')
      .then(
        (v) => {
          if (!cancelled) setThresholdsState(v);
        },
        () => undefined, // the defaults stay
      );
    return () => {
      cancelled = true;
    };
  }, []);

  const setThresholds = useCallback((t: Thresholds) => {
    setThresholdsState(t);
    getSettingsStore()
      .set('verify', t)
      .catch(() => undefined); // remembering is best effort; the value applies now either way
  }, []);

  const value = useMemo<VerifyState>(
    () => ({ engine, embedding, thresholds, setThresholds, pause, setPause }),
    [engine, embedding, thresholds, setThresholds, pause],
  );
  return <VerifyContext.Provider value={value}>{children}</VerifyContext.Provider>;
}

export function useVerify(): VerifyState {
  const v = useContext(VerifyContext);
  if (!v) throw new Error('useVerify must be used inside <VerifyProvider>');
  return v;
}

/**
 * Keeps the verifier in step with the model and the stored verification images (re-embeds only
 * when they changed). Safe to call from several components: builds are shared.
 */
export function useVerifierSync(net: SiameseNetwork | null, samplesVersion: number): void {
  const { engine } = useVerify();
  useEffect(() => {
    void engine.ensure(net, samplesVersion);
  }, [engine, net, samplesVersion]);
}
