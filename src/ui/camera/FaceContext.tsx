import { createContext, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { DEFAULT_FACE_CONFIG, type CropMode } from '../../config';
import { resetSharedFaceDetector, sharedFaceDetector, type FaceDetector } from '../../face';
import { defaultNextTick, FaceTracker, runFaceTracking, type FaceFrame } from '../../verify';
import { useMessages } from '../common/Messages';
import { useModel } from '../model/ModelContext';
import { pauseAfterFrame } from '../verify/pacing';
import { useCameraState } from './CameraContext';
import { useCaptureSettings } from './CaptureSettings';
import { grabPixels } from './grabPixels';
import { errorMessage } from '../../common';

/**
 * 'off': fixed mode was chosen; 'loading': waiting for the tf.js backend or the detector's
 * weights; 'ready'; 'failed': the detector could not load (the fixed square is used instead).
 */
export type FaceDetectorStatus = 'off' | 'loading' | 'ready' | 'failed';

export interface FaceState {
  /** The crop mode the user chose (settings). */
  readonly requested: CropMode;
  /**
   * The crop mode in effect: 'face' once the detector is ready, 'fixed' when chosen or when the
   * detector failed to load, 'loading' while it loads (capture and verification wait).
   */
  readonly mode: CropMode | 'loading';
  readonly status: FaceDetectorStatus;
  /** Why the detector is not available (status 'failed'). */
  readonly error: string | null;
  /** The page's face tracker, in face mode: detect through it so every detection is shown. */
  readonly tracker: FaceTracker | null;
}

const FaceContext = createContext<FaceState>({ requested: 'fixed', mode: 'fixed', status: 'off', error: null, tracker: null });

/** The face mode's state; changes rarely (not with every detection: see useFaceFrame). */
export function useFace(): FaceState {
  return useContext(FaceContext);
}

const noSubscribe = () => () => undefined;
const noFrame = () => null;

/** The latest detection (face mode, camera running); re-renders with every detection. */
export function useFaceFrame(): FaceFrame | null {
  const { tracker } = useFace();
  return useSyncExternalStore(tracker?.subscribe ?? noSubscribe, tracker?.getSnapshot ?? noFrame);
}

/** A new detection at most this often while nothing else detects (verification frames, captures do). */
const TRACK_INTERVAL_MS = 100;
/** Detection's share of the main thread at most, between tracking detections (see pacing.ts). */
const TRACK_PAGE_SHARE = 3 / 4;
const RETRY_MS = 1000;

interface Loaded {
  /** The backend and attempt it answers. */
  readonly key: string;
  readonly detector: FaceDetector | null;
  readonly error: string | null;
}

/**
 * The page's face detector and tracker. Loads the shared BlazeFace detector once the tf.js backend
 * is selected (its weights live on that backend; after a switch, e.g. a lost WebGL context, it is
 * loaded again), and while the camera runs in face mode keeps the latest detection fresh for the
 * preview and the capture controls. A detector that cannot load is reported once and the fixed
 * square is used; nothing else changes.
 */
export function FaceProvider({ children }: { children: ReactNode }) {
  const { config } = useCaptureSettings();
  const requested = config.cropMode;
  const faceThreshold = config.faceThreshold;
  const { backend } = useModel();
  const backendName = backend?.backend ?? null;
  const { video, ready } = useCameraState();
  const { notify } = useMessages();

  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const loadedOn = useRef<string | null>(null);
  const want = requested === 'face' && backendName !== null;
  const key = String(backendName);

  useEffect(() => {
    if (!want) return;
    let cancelled = false;
    void (async () => {
      // Weights loaded on another backend are gone with it: load again on this one.
      if (loadedOn.current !== null && loadedOn.current !== key) await resetSharedFaceDetector().catch(() => undefined);
      loadedOn.current = key;
      try {
        const detector = await sharedFaceDetector();
        if (!cancelled) setLoaded({ key, detector, error: null });
      } catch (e) {
        if (cancelled) return;
        const error = `The face detector could not be loaded (${errorMessage(e)}). The capture square stays fixed in the centre.`;
        setLoaded({ key, detector: null, error });
        notify('error', error);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [want, key, notify]);

  const current = loaded?.key === key ? loaded : null;
  const status: FaceDetectorStatus = requested === 'fixed' ? 'off' : current?.detector ? 'ready' : current?.error ? 'failed' : 'loading';
  const mode: FaceState['mode'] = status === 'ready' ? 'face' : status === 'loading' ? 'loading' : 'fixed';
  const detector = status === 'ready' ? (current?.detector ?? null) : null;
  // The user's face-confidence threshold over the detector's crop rule; a new threshold, a new tracker.
  const tracker = useMemo(
    () => (detector ? new FaceTracker({ detector, rule: { ...DEFAULT_FACE_CONFIG, scoreThreshold: faceThreshold } }) : null),
    [detector, faceThreshold],
  );

  // The tracking loop: while the camera runs in face mode.
  const [attempt, setAttempt] = useState(0);
  const track = tracker !== null && video !== null && ready;
  useEffect(() => {
    if (!track) return;
    const controller = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    let lastSeen: FaceFrame | null = null;
    runFaceTracking({
      tracker,
      intervalMs: TRACK_INTERVAL_MS,
      grab: () => grabPixels(video),
      nextTick: async () => {
        await defaultNextTick();
        const frame = tracker.getSnapshot();
        if (frame === null || frame === lastSeen) return;
        lastSeen = frame;
        const pause = pauseAfterFrame(frame.detectMs, TRACK_PAGE_SHARE);
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      },
      signal: controller.signal,
    }).catch(() => {
      // A failed detection (e.g. the backend was just lost): try again shortly. Capture and
      // verification report their own failures.
      if (!controller.signal.aborted) retry = setTimeout(() => setAttempt((a) => a + 1), RETRY_MS);
    });
    return () => {
      controller.abort();
      if (retry !== undefined) clearTimeout(retry);
      tracker.clear();
    };
  }, [track, tracker, video, attempt]);

  const value = useMemo<FaceState>(
    () => ({
      requested,
      mode,
      status,
      error: status === 'failed' ? (current?.error ?? null) : null,
      tracker: mode === 'face' ? tracker : null,
    }),
    [requested, mode, status, current, tracker],
  );
  return <FaceContext.Provider value={value}>{children}</FaceContext.Provider>;
}
