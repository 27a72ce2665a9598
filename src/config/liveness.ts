/** The head-turn liveness check (src/liveness): its cue, thresholds and timing. */
import { checkInt, checkNum, ConfigError } from './check';

/** The yaw cues src/liveness can compute (see its cue.ts). */
export const LIVENESS_CUES = ['eyes', 'affine', 'ears'] as const;
export type LivenessCue = (typeof LIVENESS_CUES)[number];

export interface LivenessConfig {
  /** Which yaw cue decides (src/liveness cue.ts). */
  readonly cue: LivenessCue;
  /** A turn: the cue moves this far from its value when the challenge started, toward one side. */
  readonly turnThreshold: number;
  /** The cue of a face looking at the camera, and the half-width of the band that counts as facing it. */
  readonly frontalCentre: number;
  readonly frontalBand: number;
  /** The turn must come within this many milliseconds of the challenge's start. */
  readonly timeLimitMs: number;
  /** A face missing for less than this (detector dropouts) does not end a challenge or a grant. */
  readonly faceLostGraceMs: number;
  /** A denial is held this long before a new challenge can start (so its reason can be read). */
  readonly retryDelayMs: number;
}

/**
 * Measured by scripts/liveness/measure.ts on LFW dev-test people, with BlazeFace keypoints refined
 * in the face's own square (src/face refineFace; the whole frame's keypoints jitter too much for any
 * threshold). The affine cue moves less for a moved, scaled, rolled or tilted photo than the eyes
 * cue does for the same live turns, and the ears add nothing (the detector places them by the yaw
 * it believes in). The turn threshold is the middle of the range where at least 99 % of photo
 * attempts (tilts up to 45°) are rejected and at least 95 % of real turns pass (pairs of photos of
 * one person that a landmark model independent of BlazeFace puts roughly 17° or more apart); the
 * band holds 90 % of the photos that model calls frontal.
 */
export const DEFAULT_LIVENESS_CONFIG: LivenessConfig = {
  cue: 'affine',
  turnThreshold: 0.105,
  frontalCentre: 0,
  frontalBand: 0.09,
  timeLimitMs: 5000,
  faceLostGraceMs: 500,
  retryDelayMs: 1500,
};

export function validateLivenessConfig(partial: Partial<LivenessConfig> = {}): LivenessConfig {
  const c = { ...DEFAULT_LIVENESS_CONFIG, ...partial };
  if (!(LIVENESS_CUES as readonly string[]).includes(c.cue))
    throw new ConfigError('cue', c.cue, `expected one of ${LIVENESS_CUES.join(', ')}`);
  checkNum('turnThreshold', c.turnThreshold, 0, 2, true);
  checkNum('frontalCentre', c.frontalCentre, -1, 1);
  checkNum('frontalBand', c.frontalBand, 0, 1, true);
  checkInt('timeLimitMs', c.timeLimitMs, 500, 60_000);
  checkInt('faceLostGraceMs', c.faceLostGraceMs, 0, 10_000);
  checkInt('retryDelayMs', c.retryDelayMs, 0, 60_000);
  return { ...c };
}
