/**
 * Binary classification metrics on plain arrays (no tf.js). A pair is predicted "same person"
 * when its score is strictly above the threshold, as in the decision rule and Keras' Precision /
 * Recall metrics. Precision and recall are 0 when undefined (no predicted / no actual positives),
 * as Keras' divide-no-nan.
 */
export interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

export interface BinaryMetrics extends Confusion {
  readonly precision: number;
  readonly recall: number;
  readonly accuracy: number;
}

export function confusion(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0.5): Confusion {
  if (scores.length !== labels.length) throw new Error(`confusion: ${scores.length} scores for ${labels.length} labels`);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const predicted = scores[i]! > threshold;
    const actual = labels[i] === 1;
    if (predicted && actual) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

export function binaryMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0.5): BinaryMetrics {
  const c = confusion(scores, labels, threshold);
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  return {
    ...c,
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    accuracy: ratio(c.tp + c.tn, c.tp + c.fp + c.tn + c.fn),
  };
}
