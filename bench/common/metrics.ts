/**
 * Verification error rates on plain arrays. A score is "granted" when it is strictly above the
 * threshold, as in the app's decision rule (src/verify/decision.ts). Higher scores mean "more
 * likely the same person"; pass negated distances for distance-like scores.
 */
import type { Rates, RocSummary } from './types';

/** FRR and FAR at one threshold: genuine scores ≤ t are denied, impostor scores > t granted. */
export function ratesAt(genuine: readonly number[], impostor: readonly number[], threshold: number): Rates {
  if (genuine.length === 0 || impostor.length === 0) throw new Error(`ratesAt: need genuine and impostor scores (got ${genuine.length} and ${impostor.length})`);
  const frr = genuine.filter((s) => !(s > threshold)).length / genuine.length;
  const far = impostor.filter((s) => s > threshold).length / impostor.length;
  return { frr, far };
}

/**
 * ROC AUC as the Mann–Whitney statistic: the probability that a genuine attempt scores above an
 * impostor attempt, ties counting one half. 0.5 = chance, 1 = perfect separation.
 */
export function rocAuc(genuine: readonly number[], impostor: readonly number[]): number {
  if (genuine.length === 0 || impostor.length === 0) throw new Error(`rocAuc: need genuine and impostor scores (got ${genuine.length} and ${impostor.length})`);
  // Rank-sum with average ranks for ties: O((g + i) log(g + i)).
  const all = [...genuine.map((s) => ({ s, g: true })), ...impostor.map((s) => ({ s, g: false }))].sort((a, b) => a.s - b.s);
  let rankSumGenuine = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const avgRank = (i + 1 + j) / 2; // ranks i+1 … j
    for (let k = i; k < j; k++) if (all[k]!.g) rankSumGenuine += avgRank;
    i = j;
  }
  const g = genuine.length;
  return (rankSumGenuine - (g * (g + 1)) / 2) / (g * impostor.length);
}

/**
 * Equal error rate: the point where FRR(t) = FAR(t), with FRR and FAR linearly interpolated between
 * the thresholds at which they change (every distinct score, and −∞). Returns the rate and the
 * threshold (a score; interpolated between the two bracketing scores).
 */
export function equalErrorRate(genuine: readonly number[], impostor: readonly number[]): { eer: number; threshold: number } {
  const distinct = [...new Set([...genuine, ...impostor])].sort((a, b) => a - b);
  // t = −∞: everything granted (FRR 0, FAR 1); then each distinct score in increasing order.
  const thresholds = [-Infinity, ...distinct];
  let prev: { t: number; frr: number; far: number } | null = null;
  for (const t of thresholds) {
    const { frr, far } = ratesAt(genuine, impostor, t);
    if (frr >= far) {
      if (prev === null || frr === far) return { eer: (frr + far) / 2, threshold: t };
      // FRR − FAR goes from < 0 (prev) to ≥ 0 (here): interpolate the crossing.
      const d0 = prev.frr - prev.far;
      const d1 = frr - far;
      const a = d0 / (d0 - d1);
      const eer = prev.far + a * (far - prev.far);
      const threshold = Number.isFinite(prev.t) ? prev.t + a * (t - prev.t) : t;
      return { eer, threshold };
    }
    prev = { t, frr, far };
  }
  // Unreachable: at the largest score nothing is granted, so FRR = 1 ≥ FAR = 0.
  throw new Error('equalErrorRate: no crossing found');
}

/** FRR and FAR at `threshold`, with the EER and AUC of the same scores. */
export function rocSummary(genuine: readonly number[], impostor: readonly number[], threshold: number): RocSummary {
  const { eer, threshold: eerThreshold } = equalErrorRate(genuine, impostor);
  return { ...ratesAt(genuine, impostor, threshold), eer, eerThreshold, auc: rocAuc(genuine, impostor) };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
