import type { EpochMetrics } from '../../training';
import { LineChart } from './LineChart';

const COLORS = {
  train: 'var(--accent)',
  test: 'var(--warn)',
  precision: 'var(--ok)',
  recall: 'var(--verification)',
} as const;

const last = (history: readonly EpochMetrics[]) => history[history.length - 1];

/** Loss (train, test) and test precision/recall per epoch. */
export function TrainingCharts({ history, epochs }: { history: readonly EpochMetrics[]; epochs: number }) {
  const xMax = Math.max(epochs, history.length, 1);
  const l = last(history);
  const lossDesc = l
    ? `After epoch ${l.epoch}: training loss ${l.trainLoss.toFixed(3)}, test loss ${l.testLoss.toFixed(3)}.`
    : 'No epoch finished yet.';
  const prDesc = l
    ? `After epoch ${l.epoch}: test precision ${l.precision.toFixed(2)}, recall ${l.recall.toFixed(2)}.`
    : 'No epoch finished yet.';
  return (
    <div className="train-charts" data-testid="train-chart" data-epochs={history.length}>
      <LineChart
        title="Loss per epoch"
        description={lossDesc}
        xMax={xMax}
        series={[
          { name: 'training loss', values: history.map((m) => m.trainLoss), color: COLORS.train },
          { name: 'test loss', values: history.map((m) => m.testLoss), color: COLORS.test, dashed: true },
        ]}
      />
      <LineChart
        title="Test precision and recall"
        description={prDesc}
        xMax={xMax}
        yRange={[0, 1]}
        series={[
          { name: 'precision', values: history.map((m) => m.precision), color: COLORS.precision },
          { name: 'recall', values: history.map((m) => m.recall), color: COLORS.recall, dashed: true },
        ]}
      />
    </div>
  );
}
