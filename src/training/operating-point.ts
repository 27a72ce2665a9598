/**
 * The calibration's choice of operating point, on plain numbers (no tf.js): the app's training
 * session (calibrate.ts) and the benchmark's offline analysis of dumped scores use the same rule.
 */

/**
 * A logit threshold t with at most a fraction `far` of `logits` strictly above it (the app's rule
 * "score > threshold"), as low as that allows: midway between the highest value that must be
 * denied and the next higher one, so that float32 rounding of a shifted bias cannot let that
 * value through; past the largest logit when `far` allows none.
 */
export function logitThresholdAtFar(logits: readonly number[], far: number): number {
  if (logits.length === 0) throw new Error('logitThresholdAtFar: no logits');
  if (!(far >= 0 && far < 1)) throw new Error(`logitThresholdAtFar: far must be in [0, 1) (got ${far})`);
  const desc = [...logits].sort((a, b) => b - a);
  const denied = desc[Math.floor(far * desc.length)]!;
  const above = desc.filter((z) => z > denied);
  const next = above.length > 0 ? above[above.length - 1]! : denied + Math.max(1, Math.abs(denied));
  return denied + (next - denied) / 2;
}
