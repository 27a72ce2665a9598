/** Small pure formatters for the UI. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Binary units, one decimal below 100 of a unit: 1536 → "1.5 KB", 9.8 MiB → "9.8 MB", 120 MiB → "120 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 100 ? 0 : 1;
  return `${v.toFixed(digits)} ${UNITS[u]}`;
}

/** A fraction in [0, 1] as a percentage: 0.1234 → "12%", 0.004 → "<1%", 0 → "0%". */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction) || fraction < 0) return '–';
  if (fraction === 0) return '0%';
  if (fraction < 0.01) return '<1%';
  return `${Math.round(Math.min(fraction, 1) * 100)}%`;
}

/** "1 image", "3 images". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
