/** Verification: the detection and verification thresholds. */
import { checkNum } from './check';

export interface VerifyConfig {
  /** A score above this counts as a detection (reference: 0.5). */
  readonly detectionThreshold: number;
  /** Access is granted when detections / N is above this (reference: 0.5). */
  readonly verificationThreshold: number;
}

export const DEFAULT_VERIFY_CONFIG: VerifyConfig = {
  detectionThreshold: 0.5,
  verificationThreshold: 0.5,
};

export function validateVerifyConfig(partial: Partial<VerifyConfig> = {}): VerifyConfig {
  const c = { ...DEFAULT_VERIFY_CONFIG, ...partial };
  checkNum('detectionThreshold', c.detectionThreshold, 0, 1);
  checkNum('verificationThreshold', c.verificationThreshold, 0, 1);
  return { ...c };
}
