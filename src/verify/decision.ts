import type { VerifyConfig } from '../config';

/**
 * The reference notebook's decision rule, on plain arrays (no tf.js):
 *
 *     detection    = number of scores > detectionThreshold
 *     verification = detection / N
 *     granted      = verification > verificationThreshold
 *
 * Both comparisons are strict, as in the notebook. With no verification images (N = 0) access is
 * never granted.
 */
export interface Decision {
  /** P(same person) of the frame against each verification image, in their order. */
  readonly scores: readonly number[];
  /** How many scores are above the detection threshold. */
  readonly detection: number;
  /** Number of verification images scored (N). */
  readonly n: number;
  /** detection / N (0 when N = 0). */
  readonly verification: number;
  readonly granted: boolean;
}

export type Thresholds = Pick<VerifyConfig, 'detectionThreshold' | 'verificationThreshold'>;

export function decide(scores: readonly number[], { detectionThreshold, verificationThreshold }: Thresholds): Decision {
  const detection = scores.reduce((count, s) => count + (s > detectionThreshold ? 1 : 0), 0);
  const n = scores.length;
  const verification = n === 0 ? 0 : detection / n;
  return { scores: [...scores], detection, n, verification, granted: n > 0 && verification > verificationThreshold };
}
