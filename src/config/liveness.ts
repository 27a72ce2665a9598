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

/** The Verify panel's choice: the reference behaviour (identity alone) or the head-turn check. */
export const LIVENESS_MODES = ['off', 'head-turn'] as const;
export type LivenessMode = (typeof LIVENESS_MODES)[number];

/** What the user sets (remembered in the settings store); the rest of LivenessConfig is measured. */
export interface LivenessSettings {
  readonly mode: LivenessMode;
  /** Seconds the person has to turn once asked (LivenessConfig.timeLimitMs). */
  readonly seconds: number;
}

/**
 * On by default: the measurements met both of the check's goals (photos rejected, real turns
 * passed; see the README), and a lock that a photo opens is no lock.
 */
export const DEFAULT_LIVENESS_SETTINGS: LivenessSettings = { mode: 'head-turn', seconds: DEFAULT_LIVENESS_CONFIG.timeLimitMs / 1000 };

/** Limits of LivenessSettings.seconds (a turn takes about a second; longer helps nobody). */
export const LIVENESS_SECONDS = { min: 1, max: 30 } as const;

export function validateLivenessSettings(partial: Partial<LivenessSettings> = {}): LivenessSettings {
  const s = { ...DEFAULT_LIVENESS_SETTINGS, ...partial };
  if (!(LIVENESS_MODES as readonly string[]).includes(s.mode))
    throw new ConfigError('mode', s.mode, `expected one of ${LIVENESS_MODES.join(', ')}`);
  checkNum('seconds', s.seconds, LIVENESS_SECONDS.min, LIVENESS_SECONDS.max);
  return { mode: s.mode, seconds: s.seconds };
}

/** The check's config for the user's settings: the measured thresholds, the user's time limit. */
export function livenessConfigOf(settings: LivenessSettings): LivenessConfig {
  return validateLivenessConfig({ timeLimitMs: Math.round(settings.seconds * 1000) });
}

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
