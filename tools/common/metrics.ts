/**
 * Verification error rates on plain arrays. A score is "granted" when it is strictly above the
 * threshold, as in the app's decision rule (src/verify/decision.ts). Higher scores mean "more
 * likely the same person"; pass negated distances for distance-like scores.
 */

export interface Rates {
  /** Genuine attempts denied / genuine attempts. */
  readonly frr: number;
  /** Impostor attempts granted / impostor attempts. */
  readonly far: number;
}

export interface RocSummary extends Rates {
  readonly eer: number;
  /** Threshold of the score at the EER point (granted when score > threshold). */
  readonly eerThreshold: number;
  readonly auc: number;
}

/** FRR and FAR at one threshold: genuine scores ≤ t are denied, impostor scores > t granted. */
export function ratesAt(genuine: readonly number[], impostor: readonly number[], threshold: number): Rates {
  if (genuine.length === 0 || impostor.length === 0)
    throw new Error(`ratesAt: need genuine and impostor scores (got ${genuine.length} and ${impostor.length})`);
  const frr = genuine.filter((s) => !(s > threshold)).length / genuine.length;
  const far = impostor.filter((s) => s > threshold).length / impostor.length;
  return { frr, far };
}

/**
 * ROC AUC as the Mann–Whitney statistic: the probability that a genuine attempt scores above an
 * impostor attempt, ties counting one half. 0.5 = chance, 1 = perfect separation.
 */
export function rocAuc(genuine: readonly number[], impostor: readonly number[]): number {
  if (genuine.length === 0 || impostor.length === 0)
    throw new Error(`rocAuc: need genuine and impostor scores (got ${genuine.length} and ${impostor.length})`);
  // Rank-sum with average ranks for ties: O((g + i) log(g + i)).
  const all = [...genuine.map((s) => ({ s, g: true })), ...impostor.map((s) => ({ s, g: false }))].sort((a, b) => a.s - b.s);
  let rankSumGenuine = 0;
  for (let i = 0; i < all.length;) {
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

/**
 * Pair-matching accuracy at one threshold (the fraction of pairs decided right): genuine pairs
 * are right when their score is above `threshold`, impostor pairs when it is not.
 */
export function accuracyAt(genuine: readonly number[], impostor: readonly number[], threshold: number): number {
  const n = genuine.length + impostor.length;
  if (n === 0) throw new Error('accuracyAt: no scores');
  return rightAt(genuine, impostor, threshold) / n;
}

/** Number of pairs decided right at `threshold` (see accuracyAt). */
function rightAt(genuine: readonly number[], impostor: readonly number[], threshold: number): number {
  return genuine.filter((s) => s > threshold).length + impostor.filter((s) => !(s > threshold)).length;
}

/**
 * The threshold with the best pair-matching accuracy, as pretrain_gpu.py's best_threshold: the
 * candidates are the midpoints between adjacent distinct scores and one step (1e-6) beyond each
 * end; the lowest candidate wins ties. O(n log n).
 */
export function bestAccuracyThreshold(genuine: readonly number[], impostor: readonly number[]): { threshold: number; accuracy: number } {
  if (genuine.length === 0 && impostor.length === 0) throw new Error('bestAccuracyThreshold: no scores');
  const all = [...genuine.map((s) => ({ s, g: true })), ...impostor.map((s) => ({ s, g: false }))].sort((a, b) => a.s - b.s);
  const n = all.length;
  // Threshold below every score: all genuine right, no impostor right.
  let correct = genuine.length;
  let best = { threshold: all[0]!.s - 1e-6, correct };
  for (let i = 0; i < n;) {
    let j = i;
    // Raising the threshold past score s flips every pair scoring s: genuine wrong, impostor right.
    while (j < n && all[j]!.s === all[i]!.s) correct += all[j++]!.g ? -1 : 1;
    const threshold = j < n ? between(all[i]!.s, all[j]!.s) : all[i]!.s + 1e-6;
    if (correct > best.correct) best = { threshold, correct };
    i = j;
  }
  return { threshold: best.threshold, accuracy: best.correct / n };
}

/**
 * The midpoint of a < b, or a itself when the two are so close that the midpoint rounds to b: any
 * t in [a, b) separates them under the strict "score > t" rule.
 */
function between(a: number, b: number): number {
  const m = a + (b - a) / 2;
  return m < b ? m : a;
}

/** Result of {@link kFoldAccuracy}. */
export interface KFoldAccuracy {
  /** Pairs decided right over all test folds, divided by all pairs. */
  readonly accuracy: number;
  /** Each non-empty fold's accuracy on its own pairs, in fold order. */
  readonly foldAccuracies: readonly number[];
  /** Standard deviation of `foldAccuracies` (population). */
  readonly std: number;
  /** The threshold fitted on the other folds for each non-empty fold. */
  readonly thresholds: readonly number[];
}

/**
 * k-fold accuracy of a fitted threshold, the LFW protocol: for each fold, the best-accuracy
 * threshold ({@link bestAccuracyThreshold}) on the other k − 1 folds decides that fold's pairs.
 * Folds are stratified and repeatable: genuine[i] goes to fold i mod k, impostor[j] to fold
 * j mod k (each class dealt round the folds in the given order, as pretrain_gpu.py's cv_accuracy).
 * Empty folds (fewer pairs than k) are skipped.
 */
export function kFoldAccuracy(genuine: readonly number[], impostor: readonly number[], k = 10): KFoldAccuracy {
  if (!Number.isInteger(k) || k < 2) throw new Error(`kFoldAccuracy: k must be an integer ≥ 2 (got ${k})`);
  if (genuine.length + impostor.length < 2)
    throw new Error(`kFoldAccuracy: need at least 2 pairs (got ${genuine.length + impostor.length})`);
  const inFold = (xs: readonly number[], f: number, keep: boolean) => xs.filter((_, i) => (i % k === f) === keep);
  let correct = 0;
  const foldAccuracies: number[] = [];
  const thresholds: number[] = [];
  for (let f = 0; f < k; f++) {
    const g = inFold(genuine, f, true);
    const i = inFold(impostor, f, true);
    if (g.length + i.length === 0) continue;
    const { threshold } = bestAccuracyThreshold(inFold(genuine, f, false), inFold(impostor, f, false));
    const right = rightAt(g, i, threshold);
    correct += right;
    foldAccuracies.push(right / (g.length + i.length));
    thresholds.push(threshold);
  }
  const mean = foldAccuracies.reduce((a, b) => a + b, 0) / foldAccuracies.length;
  const std = Math.sqrt(foldAccuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / foldAccuracies.length);
  return { accuracy: correct / (genuine.length + impostor.length), foldAccuracies, std, thresholds };
}
