import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { DEFAULT_CAPTURE_CONFIG, type CaptureConfig, type CropMode } from '../../config';
import { getSettingsStore } from '../../data/storage';

/** The capture config (settings store 'capture'), as the camera, capture and face layers read it. */
export interface CaptureSettings {
  readonly config: CaptureConfig;
  /** Applies a crop mode at once and remembers it in the settings store. */
  setCropMode(mode: CropMode): void;
}

const CaptureSettingsContext = createContext<CaptureSettings>({ config: DEFAULT_CAPTURE_CONFIG, setCropMode: () => undefined });

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

  const setCropMode = useCallback((cropMode: CropMode) => {
    setTouched(true);
    const next = { ...latest.current, cropMode };
    latest.current = next;
    setConfig(next);
    getSettingsStore()
      .set('capture', next)
      .catch(() => undefined); // remembering is best effort; the mode applies now either way
  }, []);

  const value = useMemo<CaptureSettings>(() => ({ config, setCropMode }), [config, setCropMode]);
  return <CaptureSettingsContext.Provider value={value}>{children}</CaptureSettingsContext.Provider>;
}
