/** Geometry for the SVG line chart: axis ranges, ticks and paths. Pure. */

export interface Series {
  readonly name: string;
  /** y per x = 1, 2, … (epochs); null where there is no value (e.g. precision with no positive prediction). */
  readonly values: readonly (number | null)[];
  readonly color: string;
  readonly dashed?: boolean;
}

/** 1, 2 or 5 times a power of ten covering `span` in about `count` steps. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Ticks from 0 (or below) to at least max, stepping nicely; max 0 gives [0, 1]. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!(max > min)) return [min, min + 1];
  const step = niceStep(max - min, count);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Math.round(v / step) * step);
  return ticks.map((t) => Number(t.toPrecision(12)));
}

/** Integer x ticks from 1 to n, at most about `count` of them. */
export function epochTicks(n: number, count = 6): number[] {
  if (n <= 1) return [1];
  const step = Math.max(1, Math.ceil(niceStep(n - 1, count)));
  const ticks: number[] = [];
  for (let v = 1; v <= n; v += step) ticks.push(v);
  if (ticks[ticks.length - 1] !== n) ticks.push(n);
  return ticks;
}

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface Scales {
  readonly x: (epoch: number) => number;
  readonly y: (value: number) => number;
  readonly yTicks: number[];
  readonly xTicks: number[];
}

export function scales(series: readonly Series[], frame: Frame, xMax: number, yRange?: readonly [number, number]): Scales {
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const yTicks = yRange ? niceTicks(yRange[0], yRange[1], 4) : niceTicks(Math.min(0, ...all), Math.max(0, ...all), 4);
  const y0 = yTicks[0]!;
  const y1 = yTicks[yTicks.length - 1]!;
  const n = Math.max(1, xMax);
  const plotW = frame.width - frame.left - frame.right;
  const plotH = frame.height - frame.top - frame.bottom;
  return {
    x: (e) => frame.left + (n === 1 ? plotW / 2 : ((e - 1) / (n - 1)) * plotW),
    y: (v) => frame.top + plotH - ((v - y0) / (y1 - y0)) * plotH,
    yTicks,
    xTicks: epochTicks(n),
  };
}

/** SVG path of a series; a null value breaks the line. */
export function seriesPath(values: readonly (number | null)[], s: Pick<Scales, 'x' | 'y'>): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${s.x(i + 1).toFixed(1)},${s.y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}
