/**
 * What the verification overlay shows, from the model, samples, camera and last verifier result.
 * Pure: the overlay component renders exactly this.
 */
import { DEFAULT_FACE_CONFIG } from '../../config';
import type { Decision, IdentificationReason } from '../../verify';
import { livenessLine, turnVerdict, type LivenessLine, type OverlayLiveness } from './livenessView';

export type OverlayKind =
  | 'granted'
  | 'denied'
  | 'challenge'
  | 'loading-model'
  | 'no-model'
  | 'no-verification'
  | 'camera-off'
  | 'paused'
  | 'preparing'
  | 'no-face'
  | 'error';

export type OverlayDecision = Pick<Decision, 'detection' | 'n' | 'verification' | 'granted'>;

/** The face detection of a verified frame (face mode). */
export interface OverlayFace {
  /** Confidence of the face verified; null when none reached the threshold. */
  readonly score: number | null;
  /** Faces at or above the threshold. */
  readonly count: number;
  readonly detectMs: number;
}

/** The identification of a verified frame among the enrolled people (src/verify identify), with names. */
export interface OverlayIdentity {
  /** The granted person's name, or null. */
  readonly granted: string | null;
  readonly reason: IdentificationReason;
  /** The best person by verification share, and the runner-up (several people). */
  readonly best: { readonly name: string; readonly detection: number; readonly n: number } | null;
  readonly runnerUp: { readonly name: string; readonly detection: number; readonly n: number } | null;
  readonly margin: number;
}

export interface OverlayInput {
  readonly model: 'loading' | 'none' | 'ready' | 'error';
  readonly verificationCount: number;
  readonly camera: { readonly ready: boolean };
  /** Why verification is paused (e.g. training is using the processor), or null. */
  readonly paused?: string | null;
  /** The verification images' embeddings (see VerificationEngine). */
  readonly embedding: {
    readonly status: 'idle' | 'loading' | 'ready' | 'error';
    readonly done: number;
    readonly count: number;
    readonly error: string | null;
  };
  readonly detectionThreshold: number;
  /** Face mode: the face-confidence threshold a frame's face must reach (default DEFAULT_FACE_CONFIG.scoreThreshold). */
  readonly faceThreshold?: number;
  /** Face mode: the face detector is still loading (verification waits for it). */
  readonly faceLoading?: boolean;
  /**
   * The last frame's decision (at the current thresholds) and its latency (grab, detection, crop,
   * preprocessing and verification), or null before the first. In face mode `face` is that frame's
   * detection, and `decision` is null when no face was found (the frame was not verified).
   */
  readonly result: {
    readonly decision: OverlayDecision | null;
    readonly latencyMs: number;
    readonly face?: OverlayFace | null;
    /** When the frame was grabbed (the liveness check's clock), for the challenge's countdown. */
    readonly at?: number;
    /** Who the frame is among several people (decision is then the best person's); absent: one person, no names. */
    readonly identity?: OverlayIdentity | null;
  } | null;
  /** The last frame's error message, if it failed. */
  readonly error?: string | null;
  /**
   * The liveness check (absent: off). When on, access is granted only on frames where the identity
   * rule grants and the check has passed a challenge; during a challenge the verdict asks for the turn.
   */
  readonly liveness?: OverlayLiveness;
}

export interface OverlayState {
  readonly kind: OverlayKind;
  /** The verdict line, exactly as shown (data-testid verdict). */
  readonly verdict: string;
  /** The second line: details of the decision, or why there is none. */
  readonly details: string;
  /** Face mode: the verified frame's face and detection time (data-testid verdict-face), else null. */
  readonly face: string | null;
  /** Whether the verification loop should run. */
  readonly running: boolean;
  /** The liveness check's line and state (data-testid verdict-liveness). */
  readonly liveness: LivenessLine;
  /** Who: the granted person's name, or why nobody was (data-testid verdict-person); null when not identified. */
  readonly person: string | null;
}

export const VERDICT_TEXT: Readonly<Record<OverlayKind, string>> = {
  granted: 'ACCESS GRANTED',
  denied: 'ACCESS DENIED',
  challenge: 'TURN YOUR HEAD',
  'loading-model': 'LOADING MODEL',
  'no-model': 'NO MODEL',
  'no-verification': 'NO VERIFICATION IMAGES',
  'camera-off': 'CAMERA OFF',
  paused: 'PAUSED',
  preparing: 'VERIFYING…',
  'no-face': 'NO FACE',
  error: 'VERIFICATION ERROR',
};

const LIVENESS_OFF: OverlayLiveness = { mode: 'off' };

/** "detection 7 of 10 above 0.5 · verification 0.70 · 84 ms" */
export function decisionDetails(d: OverlayDecision, detectionThreshold: number, latencyMs: number): string {
  return `detection ${d.detection} of ${d.n} above ${detectionThreshold} · verification ${d.verification.toFixed(2)} · ${Math.round(latencyMs)} ms`;
}

/** "face 0.97 · detection 15 ms of 120 ms", "2 faces, largest 0.97 · …", "no face · detection 18 ms" */
export function faceDetails(face: OverlayFace, latencyMs: number): string {
  const what =
    face.score === null
      ? 'no face'
      : face.count > 1
        ? `${face.count} faces, largest ${face.score.toFixed(2)}`
        : `face ${face.score.toFixed(2)}`;
  return `${what} · detection ${Math.round(face.detectMs)} ms of ${Math.round(latencyMs)} ms`;
}

/**
 * The person line: "Ann" when granted; with several people, why nobody was: "ambiguous: Ann 6/8,
 * Bob 5/8 (margin 0.25)" or "closest: Ann 3/8"; null for one person denied (the details say it).
 */
export function identityLine(id: OverlayIdentity, granted: boolean): string | null {
  const share = (p: { name: string; detection: number; n: number }) => `${p.name} ${p.detection}/${p.n}`;
  if (granted && id.granted !== null) return id.granted;
  if (id.reason === 'ambiguous' && id.best && id.runnerUp)
    return `ambiguous: ${share(id.best)}, ${share(id.runnerUp)} (margin ${id.margin})`;
  if (id.runnerUp !== null && id.best) return `closest: ${share(id.best)}`;
  return null;
}

export function overlayState(input: OverlayInput): OverlayState {
  const liveness = livenessLine(input.liveness ?? LIVENESS_OFF, input.result?.at ?? null);
  const identity = input.result?.decision ? (input.result.identity ?? null) : null;
  const state = (kind: OverlayKind, details: string, running: boolean, face: string | null = null): OverlayState => ({
    kind,
    verdict: kind === 'challenge' && liveness.side ? turnVerdict(liveness.side) : VERDICT_TEXT[kind],
    details,
    running,
    face,
    liveness,
    person:
      identity && (kind === 'granted' || kind === 'denied' || kind === 'challenge')
        ? identityLine(identity, kind === 'granted' || kind === 'challenge')
        : null,
  });
  if (input.model === 'loading') return state('loading-model', 'Loading the stored model…', false);
  if (input.model !== 'ready') return state('no-model', 'Train a model or import one to verify.', false);
  if (input.verificationCount === 0) return state('no-verification', 'Capture verification images (key v) or use stored positives.', false);
  if (!input.camera.ready) return state('camera-off', 'Start the camera to verify live.', false);
  if (input.paused) return state('paused', input.paused, false);
  const e = input.embedding;
  if (e.status === 'error') return state('error', `The verification images could not be prepared: ${e.error ?? 'unknown error'}`, false);
  if (e.status !== 'ready')
    return state('preparing', `Preparing verification images (${e.done} of ${e.count || input.verificationCount})…`, false);
  if (input.faceLoading) return state('preparing', 'Loading the face detector…', false);
  if (input.error) return state('error', input.error, true);
  if (!input.result) return state('preparing', 'Verifying the first frame…', true);
  const { decision, latencyMs, face } = input.result;
  const faceLine = face ? faceDetails(face, latencyMs) : null;
  // The face gate comes before the decision rule: a frame without a face is never granted (a
  // challenge goes on through short detector dropouts, so its prompt stays).
  if (decision === null || (face && face.score === null)) {
    const noFace = `No face with confidence ≥ ${input.faceThreshold ?? DEFAULT_FACE_CONFIG.scoreThreshold} in this frame · ${Math.round(latencyMs)} ms`;
    return state(liveness.tag === 'challenge' ? 'challenge' : 'no-face', noFace, true, faceLine);
  }
  const details = decisionDetails(decision, input.detectionThreshold, latencyMs);
  if (liveness.tag === 'off') return state(decision.granted ? 'granted' : 'denied', details, true, faceLine);
  // With the check on, identity alone never grants: the check must have passed, on this face.
  if (liveness.tag === 'challenge') return state('challenge', details, true, faceLine);
  return state(liveness.tag === 'granted' && decision.granted ? 'granted' : 'denied', details, true, faceLine);
}
