import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { CameraError, DEFAULT_CAMERA_OPTIONS, startCamera, toCameraError, type CameraOptions } from '../../camera';
import type { CaptureConfig } from '../../config';
import { captureSquare } from '../../data';
import { CameraContext, CameraControlsContext, type CameraControls, type CameraPhase, type CameraState } from './CameraContext';
import { useCaptureSettings } from './CaptureSettings';
import { usePageVisibility } from './usePageVisibility';

interface StartResult {
  /** Which start this answers (see `runKey`); results of superseded starts are ignored. */
  readonly key: string;
  readonly frameSize: { readonly width: number; readonly height: number } | null;
  readonly error: CameraError | null;
}

export interface CameraProviderProps {
  readonly children: ReactNode;
  /** Default: the stored capture config (CaptureSettingsProvider), else the defaults. */
  readonly capture?: CaptureConfig;
  readonly options?: CameraOptions;
}

/**
 * Owns the camera: starts it once <CameraView> has mounted its <video> and the page is visible,
 * stops it (releasing the device and its light) when the page is hidden or the view unmounts, and
 * starts it again on return. Failures become a CameraError in the context; nothing throws.
 */
export function CameraProvider({ children, capture: given, options = DEFAULT_CAMERA_OPTIONS }: CameraProviderProps) {
  const settings = useCaptureSettings();
  const capture = given ?? settings.config;
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [result, setResult] = useState<StartResult | null>(null);
  const visibility = usePageVisibility();
  const visible = visibility >= 0;
  const runKey = `${attempt}/${visibility}`;

  useEffect(() => {
    if (!video || !visible) return;
    let cancelled = false;
    let stop: (() => void) | null = null;
    startCamera(video, options).then(
      (handle) => {
        if (cancelled) return handle.stop();
        stop = handle.stop;
        setResult({ key: runKey, frameSize: { width: handle.width, height: handle.height }, error: null });
        // The device can go away while running (unplugged, taken by the OS): say so.
        const track = handle.stream.getVideoTracks()[0];
        track?.addEventListener('ended', () => {
          if (!cancelled) setResult({ key: runKey, frameSize: null, error: new CameraError('no-camera') });
        });
      },
      (err: unknown) => {
        if (!cancelled) setResult({ key: runKey, frameSize: null, error: toCameraError(err) });
      },
    );
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [video, visible, runKey, options]);

  const current = result?.key === runKey ? result : null;
  const phase: CameraPhase = !video ? 'idle' : !visible ? 'paused' : !current ? 'starting' : current.error ? 'failed' : 'running';
  const frameSize = phase === 'running' ? (current?.frameSize ?? null) : null;
  const square = useMemo(() => (frameSize ? captureSquare(frameSize.width, frameSize.height, capture) : null), [frameSize, capture]);

  const state = useMemo<CameraState>(
    () => ({ video, ready: phase === 'running' && square !== null, error: current?.error ?? null, square, frameSize }),
    [video, phase, square, current, frameSize],
  );
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  const controls = useMemo<CameraControls>(() => ({ attachVideo: setVideo, retry, phase }), [retry, phase]);

  return (
    <CameraControlsContext.Provider value={controls}>
      <CameraContext.Provider value={state}>{children}</CameraContext.Provider>
    </CameraControlsContext.Provider>
  );
}
