import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { CameraError, grabFrame } from '../../camera';
import type { CaptureConfig } from '../../config';
import { encodeSquare, getSampleStore, StorageError, type Square } from '../../data';
import { useMessages } from '../common/Messages';
import { usePeople } from '../people/PeopleContext';
import { useSamples } from '../samples/SamplesContext';
import type { FaceFrame } from '../../verify';
import { useCameraState } from './CameraContext';
import { captureKindForKey, CAPTURE_KEYS, type CaptureKind } from './captureKeys';
import { useCaptureSettings } from './CaptureSettings';
import { useFace } from './FaceContext';
import { noFaceCapture } from './faceView';
import { createHoldRepeater, repeatIntervalMs, type HoldRepeater } from './holdRepeater';
import { errorMessage } from '../../common';

export interface Capture {
  /** Grabs the capture square and stores it as a sample of `kind`; resolves when stored. */
  capture(kind: CaptureKind): Promise<void>;
  /** Press-and-hold (keys and buttons share one repeater: one capture stream at a time). */
  press(kind: CaptureKind): void;
  release(kind: CaptureKind): void;
  /**
   * The latest capture stored, for the preview flash; `seq` grows with every stored capture (a
   * capture that could not be saved does not flash). `square` is the part of the frame that was
   * stored (frame pixels).
   */
  readonly last: { readonly kind: CaptureKind; readonly seq: number; readonly square: Square } | null;
}

const CaptureContext = createContext<Capture | null>(null);

export function useCapture(): Capture {
  const c = useContext(CaptureContext);
  if (!c) throw new Error('useCapture must be used inside <CaptureProvider>');
  return c;
}

/**
 * Capturing samples from the camera. The stored image is the capture square of the camera's own
 * (unmirrored) pixels, as a JPEG of at most `squareSize` pixels a side: the same pixels
 * verification looks at. The preview is only mirrored on screen. In face mode the square is the
 * face crop of the grabbed frame itself (detect → crop → encode); a frame without a face is
 * refused and stops a held key. Keys a/p/v work anywhere on the page except in form fields and
 * dialogs; holding a key or a button repeats at `capture.repeatPerSecond`.
 */
export function CaptureProvider({ children, config: given }: { children: ReactNode; config?: CaptureConfig }) {
  const settings = useCaptureSettings();
  const config = given ?? settings.config;
  const camera = useCameraState();
  const face = useFace();
  const { refresh } = useSamples();
  const { notify } = useMessages();
  const [last, setLast] = useState<Capture['last']>(null);
  const seq = useRef(0);
  // The latest camera state for the repeater's timer callbacks.
  const cameraRef = useRef(camera);
  const faceRef = useRef(face);
  const sizeRef = useRef(config.squareSize);
  const faceThresholdRef = useRef(config.faceThreshold);
  const { loaded: peopleLoaded, current: currentPerson } = usePeople();
  /** Whom captures go to; null until the people were read (a capture then waits). */
  const personRef = useRef<string | null>(null);
  useEffect(() => {
    cameraRef.current = camera;
    faceRef.current = face;
    sizeRef.current = config.squareSize;
    faceThresholdRef.current = config.faceThreshold;
    personRef.current = peopleLoaded ? currentPerson.id : null;
  }, [camera, face, config.squareSize, config.faceThreshold, peopleLoaded, currentPerson.id]);
  const repeaterRef = useRef<HoldRepeater<CaptureKind> | null>(null);

  const capture = useCallback(
    async (kind: CaptureKind) => {
      // A refusal stops a held key or button: repeating it would only repeat the message.
      const refuse = (text: string) => {
        repeaterRef.current?.releaseAll();
        notify('error', text);
      };
      const { video, ready, square, error } = cameraRef.current;
      if (!video || !ready || !square)
        return refuse(error ? error.message : 'The camera is not running yet: wait for the preview, then capture.');
      const { mode, tracker } = faceRef.current;
      if (mode === 'loading') return refuse('The face detector is still loading: capture again in a moment.');
      const person = personRef.current;
      if (person === null) return refuse('The people are still being read: capture again in a moment.');
      let frame: ImageData;
      // The sample's time is the frame's, not the (later, and on a busy machine much later) write's.
      const takenAt = Date.now();
      try {
        frame = grabFrame(video);
      } catch (e) {
        return refuse(e instanceof CameraError ? e.message : `Could not grab a frame: ${errorMessage(e)}`);
      }
      let crop: Square = square;
      if (mode === 'face' && tracker) {
        let found: FaceFrame;
        try {
          found = await tracker.detect(frame);
        } catch (e) {
          return refuse(`Face detection failed: ${errorMessage(e)}`);
        }
        if (found.crop === null) return refuse(noFaceCapture(faceThresholdRef.current));
        crop = found.crop.square;
      }
      let image: { blob: Blob; width: number; height: number };
      try {
        const bitmap = await createImageBitmap(frame);
        try {
          image = await encodeSquare(bitmap, crop, { maxSize: sizeRef.current });
        } finally {
          bitmap.close();
        }
      } catch (e) {
        return refuse(`Could not encode the capture: ${errorMessage(e)}`);
      }
      try {
        await getSampleStore().addSample(image.blob, {
          kind,
          source: 'webcam',
          width: image.width,
          height: image.height,
          createdAt: takenAt,
          person,
        });
      } catch (e) {
        // Nothing was stored (e.g. storage full): no flash, the message names the sample.
        repeaterRef.current?.releaseAll();
        if (e instanceof StorageError) notify('error', e.message);
        else notify('error', `Could not save the ${kind} sample: ${errorMessage(e)}`);
        return;
      }
      // The flash confirms a stored sample, so it comes only after the write succeeded.
      setLast({ kind, seq: ++seq.current, square: crop });
      await refresh();
    },
    [notify, refresh],
  );

  const interval = repeatIntervalMs(config.repeatPerSecond);
  useEffect(() => {
    const repeater = createHoldRepeater<CaptureKind>({ intervalMs: interval, fire: capture });
    repeaterRef.current = repeater;

    const onKeyDown = (e: KeyboardEvent) => {
      const kind = captureKindForKey({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        target: e.target as Element | null,
      });
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
