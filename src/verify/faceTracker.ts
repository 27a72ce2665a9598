/**
 * Face tracking for capture and live verification, independent of React and of the DOM.
 *
 * `detectFaceFrame` runs the face detector on one frame and applies the crop rule (src/face): the
 * largest face with a score ≥ the threshold and its square, or no crop. A `FaceTracker` holds the
 * latest such result for the page (the preview overlay and the capture controls read it) and
 * publishes every detection made through it, whoever asked: the tracking loop, a capture or a
 * verification frame. `runFaceTracking` detects only when nobody else has done so recently, so a
 * frame is not detected twice while verification runs.
 */
import { DEFAULT_FACE_CONFIG, type FaceConfig } from '../config';
import { faceCrop, refineFace, type Face, type FaceCrop, type FaceCropRule, type FaceDetector } from '../face';
import type { PixelData } from '../model';
import { runVerificationLoop, type LoopStats } from './loop';

/** What the detector found in one frame. */
export interface FaceFrame {
  /** Size of the frame, in pixels. */
  readonly width: number;
  readonly height: number;
  /** Every face the detector returned, by descending score. */
  readonly faces: readonly Face[];
  /** How many faces reach the score threshold. */
  readonly found: number;
  /** The face to use (the largest found) and its crop square; null when none was found. */
  readonly crop: FaceCrop | null;
  /** Milliseconds the detection took (pixels in, faces out). */
  readonly detectMs: number;
  /** When the frame was grabbed (the clock of the caller, e.g. performance.now()). */
  readonly at: number;
}

export type FaceRule = FaceCropRule & Pick<FaceConfig, 'scoreThreshold'>;

/** Detects the faces of one frame and applies the crop rule. */
export async function detectFaceFrame(
  detector: Pick<FaceDetector, 'detect'>,
  pixels: PixelData,
  options: { readonly rule?: FaceRule; readonly at?: number; readonly now?: () => number } = {},
): Promise<FaceFrame> {
  const now = options.now ?? (() => performance.now());
  const at = options.at ?? now();
  const start = now();
  const faces = await detector.detect(pixels);
  const detectMs = now() - start;
  const rule = options.rule ?? DEFAULT_FACE_CONFIG;
  const crop = faceCrop(faces, pixels.width, pixels.height, rule);
  const found = faces.filter((f) => f.score >= rule.scoreThreshold).length;
  return { width: pixels.width, height: pixels.height, faces, found, crop, detectMs, at };
}

export interface FaceTrackerOptions {
  readonly detector: Pick<FaceDetector, 'detect'>;
  /** The crop rule and score threshold (default DEFAULT_FACE_CONFIG). */
  readonly rule?: FaceRule;
  /** Clock in ms (default performance.now). */
  readonly now?: () => number;
}

/** The page's latest face detection, with a subscription (for React's useSyncExternalStore). */
export class FaceTracker {
  private latest: FaceFrame | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly detector: Pick<FaceDetector, 'detect'>;
  private readonly rule: FaceRule;
  readonly now: () => number;

  constructor(options: FaceTrackerOptions) {
    this.detector = options.detector;
    this.rule = options.rule ?? DEFAULT_FACE_CONFIG;
    this.now = options.now ?? (() => performance.now());
  }

  getSnapshot = (): FaceFrame | null => this.latest;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * Detects the faces of `pixels` (grabbed at `at`), publishes the result unless a newer frame was
   * published meanwhile, and returns it.
   */
  detect = async (pixels: PixelData, at: number = this.now()): Promise<FaceFrame> => {
    const frame = await detectFaceFrame(this.detector, pixels, { rule: this.rule, at, now: this.now });
    if (this.latest === null || frame.at >= this.latest.at) this.publish(frame);
    return frame;
  };

  /**
   * `face` (found in `pixels` by this tracker) detected again in its own region, for steadier
   * keypoints (src/face refineFace, at this tracker's score threshold); not published.
   */
  refine = (pixels: PixelData, face: Face): Promise<Face> => refineFace(this.detector, pixels, face, this.rule.scoreThreshold);

  /** Milliseconds since the latest published frame was grabbed (Infinity when there is none). */
  age(): number {
    return this.latest === null ? Infinity : this.now() - this.latest.at;
  }

  /** Forgets the latest frame (the camera stopped, or face mode was left). */
  clear(): void {
    if (this.latest !== null) this.publish(null);
  }

  private publish(frame: FaceFrame | null): void {
    this.latest = frame;
    for (const l of this.listeners) l();
  }
}

export interface FaceTrackingOptions {
  readonly tracker: FaceTracker;
  /** The current frame's pixels, or null when there is none yet. */
  readonly grab: () => PixelData | null;
  readonly signal: AbortSignal;
  /**
   * A new detection is made only when the latest published one is older than this (default 100
   * ms, about 10 per second). Detections published by others (verification, capture) count.
   */
  readonly intervalMs?: number;
  /** Waits between checks (default: the verification loop's, an animation frame). */
  readonly nextTick?: () => Promise<void>;
}

/** Keeps the tracker's latest detection fresh until `signal` aborts; resolves with the run's stats. */
export function runFaceTracking({ tracker, grab, signal, intervalMs = 100, nextTick }: FaceTrackingOptions): Promise<LoopStats> {
  return runVerificationLoop({
    grab: () => {
      if (tracker.age() < intervalMs) return null;
      const at = tracker.now();
      const pixels = grab();
      // Pixels are plain memory: nothing to release.
      return pixels && { pixels, at, dispose: () => undefined };
    },
    verify: (f) => tracker.detect(f.pixels, f.at),
    onResult: () => undefined, // the tracker publishes
    signal,
    now: tracker.now,
    ...(nextTick && { nextTick }),
  });
}
