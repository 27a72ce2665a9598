import { useEffect, useRef, useState } from 'react';
import { getSampleStore, type SampleRecord } from '../../data';
import { whenVisible } from '../common/whenVisible';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function describeSample(r: SampleRecord): string {
  const what = r.name ?? (r.label ? r.label.replace(/_/g, ' ') : `${r.source} image`);
  return `${r.kind} sample: ${what}, ${dateFormat.format(r.createdAt)}`;
}

/**
 * One gallery image. The blob is read from IndexedDB only once the tile scrolls near the
 * viewport, and its object URL is revoked when the tile unmounts.
 */
export function Thumbnail({ record, onDelete }: { record: SampleRecord; onDelete: (r: SampleRecord) => void }) {
  const ref = useRef<HTMLLIElement>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let cancelled = false;
    let objectUrl: string | null = null;
    const stopWatching = whenVisible(el, () => {
      getSampleStore()
        .getSampleBlob(record.id)
        .then((blob) => {
          if (cancelled) return;
          if (!blob) return setFailed(true);
          objectUrl = URL.createObjectURL(blob);
          setUrl(objectUrl);
        })
        .catch(() => {
          if (!cancelled) setFailed(true);
        });
    });
    return () => {
      cancelled = true;
      stopWatching();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [record.id]);

  const label = describeSample(record);
  return (
    <li ref={ref} className="thumb" data-testid="thumb">
      {url ? (
        <img src={url} alt={label} title={label} width={96} height={96} decoding="async" />
      ) : (
        <div className="thumb-placeholder" aria-label={failed ? `${label} (image missing)` : label} />
      )}
      <button
        type="button"
        className="thumb-delete"
        aria-label={`Delete ${label}`}
        title="Delete this sample"
        onClick={() => onDelete(record)}
      >
        ×
      </button>
    </li>
  );
}
