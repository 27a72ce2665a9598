/**
 * What the verification overlay shows, from the model, samples, camera and last verifier result.
 * Pure: the overlay component renders exactly this.
 */
import type { Decision } from '../../verify';

export type OverlayKind =
  | 'granted'
  | 'denied'
  | 'loading-model'
  | 'no-model'
  | 'no-verification'
  | 'camera-off'
  | 'paused'
  | 'preparing'
  | 'error';

export type OverlayDecision = Pick<Decision, 'detection' | 'n' | 'verification' | 'granted'>;

export interface OverlayInput {
  readonly model: 'loading' | 'none' | 'ready' | 'error';
  readonly verificationCount: number;
  readonly camera: { readonly ready: boolean };
  /** Why verification is paused (e.g. training is using the processor), or null. */
  readonly paused?: string | null;
  /** The verification images' embeddings (see VerificationEngine). */
  readonly embedding: { readonly status: 'idle' | 'loading' | 'ready' | 'error'; readonly done: number; readonly count: number; readonly error: string | null };
  readonly detectionThreshold: number;
  /** The last frame's decision (at the current thresholds) and its latency, or null before the first. */
  readonly result: { readonly decision: OverlayDecision; readonly latencyMs: number } | null;
  /** The last frame's error message, if it failed. */
  readonly error?: string | null;
}

export interface OverlayState {
  readonly kind: OverlayKind;
  /** The verdict line, exactly as shown (data-testid verdict). */
  readonly verdict: string;
  /** The second line: details of the decision, or why there is none. */
  readonly details: string;
  /** Whether the verification loop should run. */
  readonly running: boolean;
}

export const VERDICT_TEXT: Readonly<Record<OverlayKind, string>> = {
  granted: 'ACCESS GRANTED',
  denied: 'ACCESS DENIED',
  'loading-model': 'LOADING MODEL',
  'no-model': 'NO MODEL',
  'no-verification': 'NO VERIFICATION IMAGES',
  'camera-off': 'CAMERA OFF',
  paused: 'PAUSED',
  preparing: 'VERIFYING…',
  error: 'VERIFICATION ERROR',
};

function state(kind: OverlayKind, details: string, running: boolean): OverlayState {
  return { kind, verdict: VERDICT_TEXT[kind], details, running };
}

/** "detection 7 of 10 above 0.5 · verification 0.70 · 84 ms" */
export function decisionDetails(d: OverlayDecision, detectionThreshold: number, latencyMs: number): string {
  return `detection ${d.detection} of ${d.n} above ${detectionThreshold} · verification ${d.verification.toFixed(2)} · ${Math.round(latencyMs)} ms`;
}

export function overlayState(input: OverlayInput): OverlayState {
  if (input.model === 'loading') return state('loading-model', 'Loading the stored model…', false);
  if (input.model !== 'ready') return state('no-model', 'Train a model or import one to verify.', false);
  if (input.verificationCount === 0) return state('no-verification', 'Capture verification images (key v) or use stored positives.', false);
  if (!input.camera.ready) return state('camera-off', 'Start the camera to verify live.', false);
  if (input.paused) return state('paused', input.paused, false);
  const e = input.embedding;
  if (e.status === 'error') return state('error', `The verification images could not be prepared: ${e.error ?? 'unknown error'}`, false);
  if (e.status !== 'ready') return state('preparing', `Preparing verification images (${e.done} of ${e.count || input.verificationCount})…`, false);
  if (input.error) return state('error', input.error, true);
  if (!input.result) return state('preparing', 'Verifying the first frame…', true);
  const { decision, latencyMs } = input.result;
  return state(decision.granted ? 'granted' : 'denied', decisionDetails(decision, input.detectionThreshold, latencyMs), true);
}
