/**
 * The head-turn challenge, frame by frame: a pure state machine with no clock of its own (each frame
 * brings its timestamp) and an injectable random source for the side.
 *
 *   idle ──(one face, identity grants, facing the camera)──▶ challenge(side, deadline)
 *   challenge ──(the cue moves ≥ turnThreshold toward `side`)──▶ granted
 *   challenge ──(timeout | wrong-side | face-lost | second-face | identity)──▶ denied(reason)
 *   granted ──(the face is lost, a second face appears, or identity fails)──▶ idle
 *   denied ──(retryDelayMs passed, then the face is seen facing the camera)──▶ challenge
 *
 * A challenge starts only on a frame where the face faces the camera (its cue within the frontal
 * band), so every new challenge, after a grant or a denial, needs the face frontal again first;
 * its cue on that frame is the baseline the turn is measured from.
 */
import { DEFAULT_LIVENESS_CONFIG, validateLivenessConfig, type LivenessConfig } from '../config';
import { yawCue, type KeypointSet, type Side } from './cue';

/** What the check sees in one frame. */
export interface LivenessFrame {
  /** When the frame was grabbed, in ms (any monotonic clock; the same one for every frame). */
  readonly at: number;
  /** How many faces the detector found (score ≥ its threshold). */
  readonly faces: number;
  /**
   * The tracked face's keypoints (frame pixels), or null when there is none. Detect them again in
   * the face's own square (src/face refineFace): keypoints from the whole 640×480 frame move by
   * several pixels from one detection to the next, as much as a turn moves the cue.
   */
  readonly keypoints: KeypointSet | null;
  /** Whether the identity rule grants access on this frame. */
  readonly identity: boolean;
}

export type DenyReason = 'timeout' | 'wrong-side' | 'face-lost' | 'second-face' | 'identity';

/** Why an idle check has not started a challenge on the latest frame. */
export type IdleReason = 'no-face' | 'second-face' | 'identity' | 'not-frontal';

export type LivenessState =
  | { readonly kind: 'idle'; readonly waiting: IdleReason }
  | {
      readonly kind: 'challenge';
      readonly side: Side;
      readonly startedAt: number;
      readonly deadline: number;
      /** The cue when the challenge started, and how far it has moved since (positive: toward the person's left). */
      readonly baseline: number;
      readonly change: number;
    }
  | { readonly kind: 'granted'; readonly side: Side; readonly at: number; readonly tookMs: number }
  | { readonly kind: 'denied'; readonly reason: DenyReason; readonly side: Side; readonly at: number };

/** A random number in [0, 1), unpredictable by default (the side must not be guessable). */
export type Random = () => number;

function cryptoRandom(): number {
  const v = new Uint32Array(1);
  globalThis.crypto.getRandomValues(v);
  return v[0]! / 4294967296;
}

export class LivenessCheck {
  readonly config: LivenessConfig;
  private current: LivenessState = { kind: 'idle', waiting: 'no-face' };
  /** When the face was first missing in the current run of missing frames (challenge or grant). */
  private lostSince: number | null = null;

  constructor(
    config: Partial<LivenessConfig> = DEFAULT_LIVENESS_CONFIG,
    private readonly random: Random = cryptoRandom,
  ) {
    this.config = validateLivenessConfig(config);
  }

  get state(): LivenessState {
    return this.current;
  }

  /** Back to idle (the check was switched on again, the camera restarted, the model changed). */
  reset(): void {
    this.current = { kind: 'idle', waiting: 'no-face' };
    this.lostSince = null;
  }

  /** The cue of `frame`'s tracked face, or null when it has none (no face, or degenerate keypoints). */
  private cueOf(frame: LivenessFrame): number | null {
    return frame.faces >= 1 && frame.keypoints !== null ? yawCue(frame.keypoints, this.config.cue) : null;
  }

  private frontal(cue: number): boolean {
    return Math.abs(cue - this.config.frontalCentre) <= this.config.frontalBand;
  }

  /** True when the face has now been missing for at least the grace period (tracks the run of misses). */
  private lost(at: number, missing: boolean): boolean {
    if (!missing) {
      this.lostSince = null;
      return false;
    }
    this.lostSince ??= at;
    return at - this.lostSince >= this.config.faceLostGraceMs;
  }

  /** Feeds one frame (in time order) and returns the new state. */
  update(frame: LivenessFrame): LivenessState {
    this.current = this.next(this.current, frame);
    return this.current;
  }

  private next(state: LivenessState, frame: LivenessFrame): LivenessState {
    const cue = this.cueOf(frame);
    switch (state.kind) {
      case 'idle':
        return this.tryStart(frame, cue);
      case 'denied':
        return frame.at - state.at < this.config.retryDelayMs ? state : this.tryStart(frame, cue);
      case 'granted': {
        if (frame.faces >= 2 || (cue !== null && !frame.identity)) return this.idle(frame, cue);
        return this.lost(frame.at, cue === null) ? this.idle(frame, cue) : state;
      }
      case 'challenge': {
        const deny = (reason: DenyReason): LivenessState => {
          this.lostSince = null;
          return { kind: 'denied', reason, side: state.side, at: frame.at };
        };
        if (frame.faces >= 2) return deny('second-face');
        if (cue === null) {
          if (this.lost(frame.at, true)) return deny('face-lost');
          return frame.at > state.deadline ? deny('timeout') : state;
        }
        this.lost(frame.at, false);
        if (!frame.identity) return deny('identity');
        if (frame.at > state.deadline) return deny('timeout');
        const change = cue - state.baseline;
        const toward = state.side === 'left' ? change : -change;
        if (toward >= this.config.turnThreshold)
          return { kind: 'granted', side: state.side, at: frame.at, tookMs: frame.at - state.startedAt };
        if (-toward >= this.config.turnThreshold) return deny('wrong-side');
        return { ...state, change };
      }
    }
  }

  private idle(frame: LivenessFrame, cue: number | null): LivenessState {
    this.lostSince = null;
    return { kind: 'idle', waiting: this.waiting(frame, cue) ?? 'not-frontal' };
  }

  /** Why no challenge can start on this frame, or null when one can. */
  private waiting(frame: LivenessFrame, cue: number | null): IdleReason | null {
    if (cue === null) return 'no-face';
    if (frame.faces >= 2) return 'second-face';
    if (!frame.identity) return 'identity';
    if (!this.frontal(cue)) return 'not-frontal';
    return null;
  }

  private tryStart(frame: LivenessFrame, cue: number | null): LivenessState {
    const waiting = this.waiting(frame, cue);
    if (waiting !== null || cue === null) return { kind: 'idle', waiting: waiting ?? 'no-face' };
    const side: Side = this.random() < 0.5 ? 'left' : 'right';
    this.lostSince = null;
    return { kind: 'challenge', side, startedAt: frame.at, deadline: frame.at + this.config.timeLimitMs, baseline: cue, change: 0 };
  }
}
