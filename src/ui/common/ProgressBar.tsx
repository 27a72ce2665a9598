export interface ProgressBarProps {
  readonly value: number;
  /** Unknown total: an indeterminate bar. */
  readonly max: number | null;
  /** What is progressing ("Loading bundled negatives"), also the accessible name of the bar. */
  readonly label: string;
  /** The visible caption; default "label: value / max". */
  readonly caption?: string;
  readonly testId?: string;
}

/** A native <progress> with a visible caption. */
export function ProgressBar({ value, max, label, caption, testId }: ProgressBarProps) {
  const known = max !== null && max > 0;
  return (
    <div className="progress" data-testid={testId}>
      <progress aria-label={label} value={known ? Math.min(value, max) : undefined} max={known ? max : undefined} />
      <span className="progress-caption">{caption ?? `${label}: ${value}${known ? ` / ${max}` : ''}`}</span>
    </div>
  );
}
