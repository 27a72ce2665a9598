import { useId } from 'react';
import { scales, seriesPath, type Frame, type Series } from './chart';

export interface LineChartProps {
  /** Accessible title (also shown above the chart). */
  readonly title: string;
  /** One sentence for screen readers: what the chart shows now. */
  readonly description: string;
  readonly series: readonly Series[];
  /** Number of epochs the x axis spans (the planned total, so the chart does not rescale). */
  readonly xMax: number;
  /** Fixed y range (e.g. [0, 1] for precision/recall); otherwise from the data. */
  readonly yRange?: readonly [number, number];
  readonly testId?: string;
}

const FRAME: Frame = { width: 360, height: 180, left: 40, right: 12, top: 10, bottom: 30 };

/** A small SVG line chart per epoch: axes with ticks, one line per series, a legend. */
export function LineChart({ title, description, series, xMax, yRange, testId }: LineChartProps) {
  const id = useId();
  const s = scales(series, FRAME, xMax, yRange);
  const plotBottom = FRAME.height - FRAME.bottom;
  return (
    <figure className="line-chart" data-testid={testId}>
      <svg viewBox={`0 0 ${FRAME.width} ${FRAME.height}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{description}</desc>
        {s.yTicks.map((t) => (
          <g key={`y${t}`} className="line-chart-grid">
            <line x1={FRAME.left} x2={FRAME.width - FRAME.right} y1={s.y(t)} y2={s.y(t)} />
            <text x={FRAME.left - 4} y={s.y(t)} textAnchor="end" dominantBaseline="middle">
              {t}
            </text>
          </g>
        ))}
        {s.xTicks.map((t) => (
          <text key={`x${t}`} className="line-chart-tick" x={s.x(t)} y={plotBottom + 14} textAnchor="middle">
            {t}
          </text>
        ))}
        <line className="line-chart-axis" x1={FRAME.left} x2={FRAME.width - FRAME.right} y1={plotBottom} y2={plotBottom} />
        <line className="line-chart-axis" x1={FRAME.left} x2={FRAME.left} y1={FRAME.top} y2={plotBottom} />
        <text className="line-chart-label" x={(FRAME.left + FRAME.width - FRAME.right) / 2} y={FRAME.height - 2} textAnchor="middle">
          epoch
        </text>
        {series.map((ser) => (
          <g key={ser.name} data-series={ser.name}>
            <path
              d={seriesPath(ser.values, s)}
              fill="none"
              style={{ stroke: ser.color }}
              strokeWidth={2}
              strokeDasharray={ser.dashed ? '5 3' : undefined}
            />
            {ser.values.map((v, i) =>
              v === null || !Number.isFinite(v) ? null : <circle key={i} cx={s.x(i + 1)} cy={s.y(v)} r={2.5} style={{ fill: ser.color }} />,
            )}
          </g>
        ))}
      </svg>
      <figcaption>
        <strong>{title}</strong>
        <ul className="line-chart-legend">
          {series.map((ser) => {
            const last = [...ser.values].reverse().find((v) => v !== null);
            return (
              <li key={ser.name}>
                <span className="line-chart-swatch" style={{ background: ser.color }} aria-hidden="true" />
                {ser.name}
                {last !== undefined && last !== null ? `: ${last.toFixed(3)}` : ''}
              </li>
            );
          })}
        </ul>
      </figcaption>
    </figure>
  );
}
