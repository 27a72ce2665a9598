/**
 * Are the verification images varied enough? The rule grants when more than a share (the
 * verification threshold, 0.5) of the N verification images match the live face. Images taken
 * within a few seconds of each other (holding `v` takes about four a second) show one pose and
 * one light, so when they make up more than that share, one moment of capture decides the vote:
 * the person is then granted in that pose and can be denied as soon as they turn their head
 * (the journey runs that showed it: bench/results/reference.md). No React.
 */
import type { SampleRecord } from '../../data';

/** Captures closer together than this count as one moment (one pose). */
export const SAME_MOMENT_MS = 3_000;
/** Below this many verification images there is no vote to speak of, and no advice. */
export const MIN_IMAGES_FOR_ADVICE = 3;

/** The largest number of `times` (ms) that fit in one window of `windowMs` (inclusive). */
export function mostInOneWindow(times: readonly number[], windowMs: number): number {
  if (!(windowMs >= 0)) throw new RangeError(`windowMs ${windowMs} is not a duration ≥ 0`);
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! > windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export interface SpreadAdvice {
  /** Verification images captured within one SAME_MOMENT_MS window. */
  readonly sameMoment: number;
  /** All verification images. */
  readonly total: number;
}

/**
 * Advice when the camera captures taken in one moment are more than `verificationThreshold` of
 * all verification images; null when the images are varied enough (or too few to vote).
 * Imported images are not camera captures and never count as one moment (their times are the
 * import's, not the photos').
 */
export function spreadAdvice(
  records: readonly Pick<SampleRecord, 'source' | 'createdAt'>[],
  verificationThreshold: number,
): SpreadAdvice | null {
  const total = records.length;
  if (total < MIN_IMAGES_FOR_ADVICE) return null;
  const sameMoment = mostInOneWindow(
    records.filter((r) => r.source === 'webcam').map((r) => r.createdAt),
    SAME_MOMENT_MS,
  );
  return sameMoment / total > verificationThreshold ? { sameMoment, total } : null;
}
