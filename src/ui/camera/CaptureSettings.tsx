import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { DEFAULT_CAPTURE_CONFIG, type CaptureConfig, type CropMode } from '../../config';
import { getSettingsStore } from '../../data';

/** The capture config (settings store 'capture'), as the camera, capture and face layers read it. */
export interface CaptureSettings {
  readonly config: CaptureConfig;
  /** Applies a crop mode at once and remembers it in the settings store. */
  setCropMode(mode: CropMode): void;
  /** Applies a face-confidence threshold (CaptureConfig.faceThreshold) at once and remembers it. */
  setFaceThreshold(threshold: number): void;
}

const CaptureSettingsContext = createContext<CaptureSettings>({
  config: DEFAULT_CAPTURE_CONFIG,
  setCropMode: () => undefined,
  setFaceThreshold: () => undefined,
});

export function useCaptureSettings(): CaptureSettings {
  return useContext(CaptureSettingsContext);
}

/** Loads the stored capture config once (the defaults apply until then, or if it cannot be read). */
export function CaptureSettingsProvider({ children }: { children: ReactNode }) {
  const [config, setConfig] = useState<CaptureConfig>(DEFAULT_CAPTURE_CONFIG);
  const [touched, setTouched] = useState(false);
  const latest = useRef(config);
  useEffect(() => {
    latest.current = config;
  }, [config]);

  useEffect(() => {
    if (touched) return; // a choice made before the stored config arrived wins
    let cancelled = false;
    getSettingsStore()
      .get('capture')
      .then(
        (stored) => {
          if (!cancelled) setConfig(stored);
        },
        () => undefined, // the defaults stay
      );
    return () => {
      cancelled = true;
    };
  }, [touched]);

  const update = useCallback((change: Partial<Pick<CaptureConfig, 'cropMode' | 'faceThreshold'>>) => {
    setTouched(true);
    const next = { ...latest.current, ...change };
    latest.current = next;
    setConfig(next);
    getSettingsStore()
      .set('capture', next)
      .catch(() => undefined); // remembering is best effort; the change applies now either way
  }, []);
  const setCropMode = useCallback((cropMode: CropMode) => update({ cropMode }), [update]);
  const setFaceThreshold = useCallback((faceThreshold: number) => update({ faceThreshold }), [update]);

  const value = useMemo<CaptureSettings>(() => ({ config, setCropMode, setFaceThreshold }), [config, setCropMode, setFaceThreshold]);
  return <CaptureSettingsContext.Provider value={value}>{children}</CaptureSettingsContext.Provider>;
}
