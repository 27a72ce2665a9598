import { useEffect, useState } from 'react';
import { storageInfo, type StorageInfo } from '../../data';
import { formatBytes, formatPercent } from '../../common';
import { useSamples } from './SamplesContext';

/** Re-reading the estimate is cheap but not free; captures arrive at 4/s. */
const MIN_INTERVAL_MS = 2000;

/** Storage use and quota for the header; re-read (at most every 2 s) when samples change. */
export function StorageIndicator() {
  const { version } = useSamples();
  const [info, setInfo] = useState<StorageInfo | null>(null);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(
      () => {
        storageInfo()
          .then((i) => {
            if (!cancelled) setInfo(i);
          })
          .catch(() => {
            /* no estimate: the indicator stays hidden */
          });
      },
      version === 0 ? 0 : MIN_INTERVAL_MS,
    );
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [version]);

  if (!info || info.usage === null) return null;
  const { usage, quota, persisted } = info;
  const full = quota !== null && quota > 0 ? usage / quota : null;
  const title = [
    `This site stores ${formatBytes(usage)}${quota !== null ? ` of ${formatBytes(quota)} allowed` : ''}.`,
    persisted
      ? 'Storage is persistent: the browser will not clear it under disk pressure.'
      : 'Storage is not persistent: the browser may clear it when disk space runs low.',
  ].join(' ');
  return (
    <div className={`storage ${full !== null && full > 0.9 ? 'storage-high' : ''}`} title={title} data-testid="storage-info">
      <span className="storage-label">Storage</span>
      <span>
        {formatBytes(usage)}
        {quota !== null && ` / ${formatBytes(quota)}`}
        {full !== null && ` (${formatPercent(full)})`}
      </span>
      {persisted && <span className="badge badge-ok">persistent</span>}
    </div>
  );
}
