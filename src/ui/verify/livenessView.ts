/**
 * What the overlay says about the liveness check (src/liveness), from its mode, whether it can run
 * and the check's latest state. Pure: overlayState.ts combines it with the identity decision.
 */
import type { LivenessMode } from '../../config';
import type { DenyReason, IdleReason, LivenessState, Side } from '../../liveness';

/** The check as the overlay sees it. */
export type OverlayLiveness =
  | { readonly mode: 'off' }
  /**
   * `available` false: the check cannot run (it needs the face detector: fixed crop, or the
   * detector failed); `state` null before the first frame was checked.
   */
  | { readonly mode: 'head-turn'; readonly available: boolean; readonly state: LivenessState | null };

/** data-liveness on the verdict: the check's state in one word. */
export type LivenessTag = 'off' | 'unavailable' | LivenessState['kind'];

export interface LivenessLine {
  readonly tag: LivenessTag;
  /** The line shown under the verdict (data-testid verdict-liveness). */
  readonly text: string;
  readonly side: Side | null;
  readonly reason: DenyReason | null;
}

export const DENY_TEXT: Readonly<Record<DenyReason, string>> = {
  timeout: 'the head did not turn in time',
  'wrong-side': 'the head turned to the other side',
  'face-lost': 'the face was lost',
  'second-face': 'another face appeared',
  identity: 'the face stopped passing the identity rule',
};

const IDLE_TEXT: Readonly<Record<IdleReason, string>> = {
  'no-face': 'waiting for a face',
  'second-face': 'only one face at a time',
  identity: 'starts when the identity rule grants',
  'not-frontal': 'look straight at the camera to start',
};

export const LIVENESS_MODE_LABELS: Readonly<Record<LivenessMode, string>> = { off: 'Off', 'head-turn': 'Head turn' };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** "TURN YOUR HEAD LEFT": the person's own left. */
export const turnVerdict = (side: Side) => `TURN YOUR HEAD ${side.toUpperCase()}`;

/** The liveness line for the overlay, at the frame taken at `at` (ms, the check's clock). */
export function livenessLine(liveness: OverlayLiveness, at: number | null): LivenessLine {
  if (liveness.mode === 'off') return { tag: 'off', text: 'Liveness check: off', side: null, reason: null };
  if (!liveness.available)
    return {
      tag: 'unavailable',
      text: 'Liveness check: needs the face detector (Crop: face). No access while it is on.',
      side: null,
      reason: null,
    };
  const s = liveness.state;
  if (s === null) return { tag: 'idle', text: 'Liveness check: head turn', side: null, reason: null };
  switch (s.kind) {
    case 'idle':
      return { tag: 'idle', text: `Liveness check: head turn · ${IDLE_TEXT[s.waiting]}`, side: null, reason: null };
    case 'challenge': {
      const left = Math.max(0, s.deadline - (at ?? s.startedAt));
      return {
        tag: 'challenge',
        text: `Liveness check: turn your head to your ${s.side} · ${seconds(left)} left`,
        side: s.side,
        reason: null,
      };
    }
    case 'granted':
      return { tag: 'granted', text: `Liveness checked: turned ${s.side} in ${seconds(s.tookMs)}`, side: s.side, reason: null };
    case 'denied':
      return { tag: 'denied', text: `Liveness check failed: ${DENY_TEXT[s.reason]}`, side: s.side, reason: s.reason };
  }
}
