/**
 * A short label for the model layer's backend report ("webgl", "wasm · 4 threads"), whatever its
 * exact shape: the badge reads only `name` (or `backend`) and, when present, `threads` and
 * `fallbackReason`. Null when there is nothing to show yet.
 */
export interface BackendLabel {
  readonly text: string;
  /** Longer explanation for the tooltip (why a fallback was taken, ...). */
  readonly detail: string | null;
}

function field(o: object, key: string): unknown {
  return (o as Record<string, unknown>)[key];
}

export function backendLabel(report: unknown): BackendLabel | null {
  if (typeof report === 'string') return report ? { text: report, detail: null } : null;
  if (typeof report !== 'object' || report === null) return null;
  const name = field(report, 'name') ?? field(report, 'backend');
  if (typeof name !== 'string' || !name) return null;
  const threads = field(report, 'threads');
  const text = typeof threads === 'number' && threads > 1 ? `${name} · ${threads} threads` : name;
  const reason = field(report, 'fallbackReason') ?? field(report, 'reason');
  return { text, detail: typeof reason === 'string' && reason ? reason : null };
}
