import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { DEFAULT_LIVENESS_SETTINGS, DEFAULT_VERIFY_CONFIG, type LivenessSettings } from '../../config';
import { getSettingsStore } from '../../data';
import type { LivenessState } from '../../liveness';
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
  /** The liveness check's mode and time limit (remembered in the settings store). */
  readonly liveness: LivenessSettings;
  setLiveness(s: LivenessSettings): void;
  /**
   * Seed of the sides the liveness check asks for (tests only: window.__sfid.setLivenessSeed);
   * null: unpredictable (crypto). Setting it starts the check again.
   */
  readonly livenessSeed: number | null;
  setLivenessSeed(seed: number | null): void;
  /** The overlay reports the check's latest state (no re-render); the test API reads it. */
  reportLiveness(state: LivenessState | null): void;
  latestLiveness(): LivenessState | null;
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
  const [liveness, setLivenessState] = useState<LivenessSettings>(DEFAULT_LIVENESS_SETTINGS);
  const [livenessSeed, setLivenessSeed] = useState<number | null>(null);
  const livenessRef = useRef<LivenessState | null>(null);
  const reportLiveness = useCallback((state: LivenessState | null) => {
    livenessRef.current = state;
  }, []);
  const latestLiveness = useCallback(() => livenessRef.current, []);

  useEffect(() => {
    let cancelled = false;
    const settings = getSettingsStore();
    settings.get('verify').then(
      (v) => {
        if (!cancelled) setThresholdsState(v);
      },
      () => undefined, // the defaults stay
    );
    settings.get('liveness').then(
      (v) => {
        if (!cancelled) setLivenessState(v);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const setLiveness = useCallback((l: LivenessSettings) => {
    setLivenessState(l);
    getSettingsStore()
      .set('liveness', l)
      .catch(() => undefined); // best effort, as for the thresholds
  }, []);

  const setThresholds = useCallback((t: Thresholds) => {
    setThresholdsState(t);
    getSettingsStore()
      .set('verify', t)
      .catch(() => undefined); // remembering is best effort; the value applies now either way
  }, []);

  const value = useMemo<VerifyState>(
    () => ({
      engine,
      embedding,
      thresholds,
      setThresholds,
      pause,
      setPause,
      liveness,
      setLiveness,
      livenessSeed,
      setLivenessSeed,
      reportLiveness,
      latestLiveness,
    }),
    [engine, embedding, thresholds, setThresholds, pause, liveness, setLiveness, livenessSeed, reportLiveness, latestLiveness],
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
