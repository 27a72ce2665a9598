import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { CameraError, squareToBlob } from '../../camera';
import { DEFAULT_CAPTURE_CONFIG, type CaptureConfig } from '../../config';
import { getSampleStore, StorageError } from '../../data';
import { useMessages } from '../common/Messages';
import { useSamples } from '../samples/SamplesContext';
import { useCameraState } from './CameraContext';
import { captureKindForKey, CAPTURE_KEYS, type CaptureKind } from './captureKeys';
import { createHoldRepeater, repeatIntervalMs, type HoldRepeater } from './holdRepeater';

export interface Capture {
  /** Grabs the capture square and stores it as a sample of `kind`; resolves when stored. */
  capture(kind: CaptureKind): Promise<void>;
  /** Press-and-hold (keys and buttons share one repeater: one capture stream at a time). */
  press(kind: CaptureKind): void;
  release(kind: CaptureKind): void;
  /** The latest capture grabbed, for the preview flash; `seq` grows with every capture. */
  readonly last: { readonly kind: CaptureKind; readonly seq: number } | null;
}

const CaptureContext = createContext<Capture | null>(null);

export function useCapture(): Capture {
  const c = useContext(CaptureContext);
  if (!c) throw new Error('useCapture must be used inside <CaptureProvider>');
  return c;
}

/**
 * Capturing samples from the camera. The stored image is the capture square of the camera's own
 * (unmirrored) pixels at capture resolution, as a JPEG: the same pixels verification looks at. The
 * preview is only mirrored on screen. Keys a/p/v work anywhere on the page except in form fields
 * and dialogs; holding a key or a button repeats at `capture.repeatPerSecond`.
 */
export function CaptureProvider({ children, config = DEFAULT_CAPTURE_CONFIG }: { children: ReactNode; config?: CaptureConfig }) {
  const camera = useCameraState();
  const { refresh } = useSamples();
  const { notify } = useMessages();
  const [last, setLast] = useState<Capture['last']>(null);
  const seq = useRef(0);
  // The latest camera state for the repeater's timer callbacks.
  const cameraRef = useRef(camera);
  useEffect(() => {
    cameraRef.current = camera;
  }, [camera]);
  const repeaterRef = useRef<HoldRepeater<CaptureKind> | null>(null);

  const capture = useCallback(
    async (kind: CaptureKind) => {
      const { video, ready, square, error } = cameraRef.current;
      if (!video || !ready || !square) {
        repeaterRef.current?.releaseAll();
        notify('error', error ? error.message : 'The camera is not running yet: wait for the preview, then capture.');
        return;
      }
      let blob: Blob;
      try {
        blob = await squareToBlob(video, square);
      } catch (e) {
        repeaterRef.current?.releaseAll();
        notify('error', e instanceof CameraError ? e.message : `Could not grab a frame: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      setLast({ kind, seq: ++seq.current });
      try {
        await getSampleStore().addSample(blob, { kind, source: 'webcam', width: square.size, height: square.size });
      } catch (e) {
        repeaterRef.current?.releaseAll();
        if (e instanceof StorageError) notify('error', e.message);
        else notify('error', `Could not save the ${kind} sample: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      await refresh();
    },
    [notify, refresh],
  );

  const interval = repeatIntervalMs(config.repeatPerSecond);
  useEffect(() => {
    const repeater = createHoldRepeater<CaptureKind>({ intervalMs: interval, fire: capture });
    repeaterRef.current = repeater;

    const onKeyDown = (e: KeyboardEvent) => {
      const kind = captureKindForKey({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, target: e.target as Element | null });
      if (!kind) return;
      e.preventDefault();
      if (!e.repeat) repeater.press(kind); // the OS auto-repeat is ignored; the repeater keeps its own rate
    };
    const onKeyUp = (e: KeyboardEvent) => {
      const kind = CAPTURE_KEYS[e.key.toLowerCase()];
      if (kind) repeater.release(kind);
    };
    const stopAll = () => repeater.releaseAll();
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', stopAll);
    document.addEventListener('visibilitychange', stopAll);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', stopAll);
      document.removeEventListener('visibilitychange', stopAll);
      repeater.releaseAll();
      if (repeaterRef.current === repeater) repeaterRef.current = null;
    };
  }, [capture, interval]);

  const press = useCallback((kind: CaptureKind) => repeaterRef.current?.press(kind), []);
  const release = useCallback((kind: CaptureKind) => repeaterRef.current?.release(kind), []);
  const value = useMemo<Capture>(() => ({ capture, press, release, last }), [capture, press, release, last]);
  return <CaptureContext.Provider value={value}>{children}</CaptureContext.Provider>;
}
