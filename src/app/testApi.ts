import type { CropMode } from '../config';
import { getSampleStore, type KindCounts, type Square } from '../data';

/** The capture square's mode and the latest face detection (face mode, camera running). */
export interface FaceInfo {
  /** The mode in effect: 'face', 'fixed' (chosen, or the detector failed to load) or 'loading'. */
  readonly mode: CropMode | 'loading';
  readonly status: 'off' | 'loading' | 'ready' | 'failed';
  readonly frame: {
    /** Faces at or above the score threshold. */
    readonly found: number;
    /** Score of the face used, null when none was found. */
    readonly score: number | null;
    /** The capture square in frame pixels, null when no face was found. */
    readonly square: Square | null;
    readonly detectMs: number;
  } | null;
}

/**
 * window.__sfid: a narrow, read-only view of the app for the Playwright tests (tldraw-style). It
 * lets a test read what it cannot read from the page (tensor counts, the backend), never set or
 * fake anything a test checks; the one thing it sets is the liveness check's random source.
 */
export interface SfidTestApi {
  /** Stored samples per kind, read from IndexedDB (not from the UI). */
  counts(): Promise<KindCounts>;
  /** tf.memory().numTensors, for leak checks (tf.js is imported on first call). */
  numTensors(): Promise<number>;
  /** The backend report of the model layer (null until it selected one). */
  backend(): unknown;
  /** Whether the camera delivers frames. */
  cameraReady(): boolean;
  /** The crop mode in effect and the latest face detection. */
  face(): FaceInfo;
  /** The latest capture: its kind and the square of the frame that was stored (null before one). */
  lastCapture(): CaptureInfo | null;
  /** The liveness check's mode and its state after the latest verified frame. */
  liveness(): LivenessInfo;
  /**
   * Seeds the sides the liveness check asks for (the "fix the challenge side by a seed"):
   * each challenge after this call takes its side from createRng(seed) (src/data), left when the
   * next number is below 0.5; null: unpredictable again. It sets no verdict: the check still needs
   * the turn.
   */
  setLivenessSeed(seed: number | null): void;
}

export interface LivenessInfo {
  readonly mode: 'off' | 'head-turn';
  /** 'idle', 'challenge', 'granted' or 'denied'; null before a frame was checked (or when off). */
  readonly state: string | null;
  readonly side: string | null;
  readonly reason: string | null;
}

export interface CaptureInfo {
  readonly kind: string;
  readonly square: Square;
}

export interface TestApiSources {
  readonly backend: () => unknown;
  readonly cameraReady: () => boolean;
  readonly face: () => FaceInfo;
  readonly lastCapture: () => CaptureInfo | null;
  readonly liveness: () => LivenessInfo;
  readonly setLivenessSeed: (seed: number | null) => void;
}

declare global {
  interface Window {
    __sfid?: SfidTestApi;
  }
}

/** Installs window.__sfid; returns a function that removes it. */
export function installTestApi(sources: TestApiSources): () => void {
  const api: SfidTestApi = Object.freeze({
    counts: () => getSampleStore().countByKind(),
    numTensors: async () => {
      const tf = await import('@tensorflow/tfjs');
      return tf.memory().numTensors;
    },
    backend: () => sources.backend(),
    cameraReady: () => sources.cameraReady(),
    face: () => sources.face(),
    lastCapture: () => sources.lastCapture(),
    liveness: () => sources.liveness(),
    setLivenessSeed: (seed: number | null) => sources.setLivenessSeed(seed),
  });
  window.__sfid = api;
  return () => {
    if (window.__sfid === api) delete window.__sfid;
  };
}
