/**
 * What a finished run's last epoch says about whether the model learned anything, for a warning
 * under the final metrics. Pure: no React.
 *
 * Binary cross-entropy of a model that answers 0.5 to everything is ln 2 ≈ 0.693. A run whose test
 * loss ends there with chance accuracy has collapsed to that answer (too few or too uniform
 * captures, a learning rate too high or too low); one whose test predictions fall all on one side
 * says "same" or "different" to everyone. Either way the verdicts it gives are not about faces.
 */
import type { CalibrationOutcome, EpochMetrics } from '../../training';

/** How close to ln 2 the test loss must be, and how close to ½ the accuracy, to count as chance. */
const CHANCE_LOSS_TOLERANCE = 0.02;
const CHANCE_ACCURACY_TOLERANCE = 0.1;

export type LearningWarning = { readonly kind: 'chance' | 'all-same' | 'all-different'; readonly message: string };

const ADVICE = 'Capture more, and more varied, anchors and positives (turn your head, change the light), then train again.';

export function learningWarning(
  last: Pick<EpochMetrics, 'testLoss' | 'accuracy' | 'precision' | 'recall'> | undefined,
): LearningWarning | null {
  if (!last) return null;
  const chanceAccuracy = Math.abs(last.accuracy - 0.5) <= CHANCE_ACCURACY_TOLERANCE;
  if (Math.abs(last.testLoss - Math.LN2) <= CHANCE_LOSS_TOLERANCE && chanceAccuracy) {
    return {
      kind: 'chance',
      message: `The model did not learn: its test loss ${last.testLoss.toFixed(3)} is that of answering 0.5 to every pair (ln 2 ≈ 0.693), and its accuracy ${(last.accuracy * 100).toFixed(0)}% is chance. ${ADVICE}`,
    };
  }
  if (last.recall === 0) {
    return {
      kind: 'all-different',
      message: `The model answers "different person" to every test pair of you and you (recall 0%): it would deny you. ${ADVICE}`,
    };
  }
  if (last.recall === 1 && chanceAccuracy) {
    return {
      kind: 'all-same',
      message: `The model answers "same person" to nearly every test pair, including you and strangers (accuracy ${(last.accuracy * 100).toFixed(0)}%): it would let others in. ${ADVICE}`,
    };
  }
  return null;
}

/**
 * One sentence on a run's calibration (src/training calibrate.ts) for under the final metrics:
 * what 0.5 now lets in among faces training did not use, or why the run was not calibrated.
 */
export function calibrationNote(c: CalibrationOutcome | null | undefined): string | null {
  if (!c) return null;
  if (c.kind === 'skipped') return `Not calibrated: ${c.reason}.`;
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return (
    `Calibrated on ${c.negatives} faces that training did not use: a score above 0.5 now accepts ${pct(c.farAfter)} of their ` +
    `${c.anchors * c.negatives} comparisons with your anchors (${pct(c.farBefore)} as trained; target ${pct(c.targetFar)}).`
  );
}
