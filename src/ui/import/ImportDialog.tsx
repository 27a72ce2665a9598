import { useCallback, useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { DEFAULT_CAPTURE_CONFIG, type CropMode } from '../../config';
import {
  filesFromDataTransfer,
  getSettingsStore,
  importImages,
  SAMPLE_KINDS,
  type ImportItem,
  type ImportProgress,
  type ImportSummary,
  type LocateSquare,
  type SampleKind,
} from '../../data';
import { KIND_LABELS } from '../camera/CaptureControls';
import { Dialog } from '../common/Dialog';
import { formatBytes, plural } from '../common/format';
import { ProgressBar } from '../common/ProgressBar';
import { useModel } from '../model/ModelContext';
import { useSamples } from '../samples/SamplesContext';
import { createImportLocate } from '../../face';
import { cropNote, summaryHeadline } from './summary';

type Run =
  | { readonly phase: 'idle' }
  | { readonly phase: 'running'; readonly kind: SampleKind; readonly progress: ImportProgress | null; readonly preparing?: string }
  | { readonly phase: 'done'; readonly kind: SampleKind; readonly summary: ImportSummary }
  | { readonly phase: 'failed'; readonly message: string };

/** Counts in the gallery tabs climb during a long import, but not on every file. */
const REFRESH_EVERY_MS = 700;
/** A summary lists at most this many skipped files (an archive can skip thousands). */
const MAX_SKIPPED_LISTED = 200;

const ACCEPT = 'image/*,.tar,.tgz,.tar.gz,.gz,application/x-tar,application/gzip';

function Summary({ kind, summary }: { kind: SampleKind; summary: ImportSummary }) {
  const { imported, skipped, cancelled, error } = summary;
  return (
    <div className="import-summary" data-testid="import-summary" role="status">
      <p>
        <strong>{summaryHeadline(summary)}</strong>{' '}
        {imported > 0 ? `The images were added to the ${kind} samples.` : 'Nothing was added.'}
      </p>
      {cancelled && <p>The import was cancelled; the images imported before are kept.</p>}
      {error && (
        <p className="import-error" role="alert">
          {error.message}
        </p>
      )}
      {skipped.length > 0 && (
        <details open={skipped.length <= 10}>
          <summary>Skipped {plural(skipped.length, 'file')}</summary>
          <ul className="import-skipped">
            {skipped.slice(0, MAX_SKIPPED_LISTED).map((s, i) => (
              <li key={i}>{s.detail.includes(s.name) ? s.detail : `${s.name}: ${s.detail}`}</li>
            ))}
            {skipped.length > MAX_SKIPPED_LISTED && <li>… and {skipped.length - MAX_SKIPPED_LISTED} more.</li>}
          </ul>
        </details>
      )}
    </div>
  );
}

/**
 * Waits until the model context has selected the tf.js backend (the face detector's weights must
 * load on it); rejects with the signal's reason when aborted first.
 */
function useBackendReady(): (signal: AbortSignal) => Promise<void> {
  const { backend } = useModel();
  const ready = useRef(backend !== null);
  const waiters = useRef(new Set<() => void>());
  useEffect(() => {
    ready.current = backend !== null;
    if (!ready.current) return;
    for (const wake of waiters.current) wake();
    waiters.current.clear();
  }, [backend]);
  return useCallback(
    (signal: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        if (ready.current) return resolve();
        const wake = () => {
          signal.removeEventListener('abort', stop);
          resolve();
        };
        const stop = () => {
          waiters.current.delete(wake);
          reject(signal.reason);
        };
        waiters.current.add(wake);
        signal.addEventListener('abort', stop, { once: true });
      }),
    [],
  );
}

/** The capture crop mode from the settings (imports follow it), re-read whenever the dialog opens. */
function useCropMode(open: boolean): CropMode {
  const [mode, setMode] = useState<CropMode>(DEFAULT_CAPTURE_CONFIG.cropMode);
  useEffect(() => {
    if (!open) return;
    let live = true;
    void getSettingsStore()
      .get('capture')
      .then((c) => live && setMode(c.cropMode));
    return () => {
      live = false;
    };
  }, [open]);
  return mode;
}

/**
 * Import images into a gallery: pick files or a folder, or drop files, folders and .tar / .tgz
 * archives. The import runs in the page without blocking it (the data layer yields every frame),
 * shows a progress bar with counts, can be cancelled, and ends with a summary of what was imported
 * and what was skipped, and why. Images are cropped by the capture's crop mode: around the largest
 * face (the page's face detector; images with no face are skipped and counted), or the centred square.
 */
export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [kind, setKind] = useState<SampleKind>('negative');
  const [run, setRun] = useState<Run>({ phase: 'idle' });
  const [over, setOver] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const kindId = useId();
  const { refresh } = useSamples();
  const backendReady = useBackendReady();
  const cropMode = useCropMode(open);

  useEffect(() => () => abort.current?.abort(), []);

  const start = async (items: readonly ImportItem[]) => {
    if (items.length === 0 || abort.current) return;
    const ac = new AbortController();
    abort.current = ac;
    const target = kind;
    setRun({ phase: 'running', kind: target, progress: null });
    let lastRefresh = performance.now();
    try {
      // The mode in force now (settings may have changed since the dialog opened).
      const { cropMode: mode } = await getSettingsStore().get('capture');
      let locate: LocateSquare<ImageBitmap> | undefined;
      if (mode === 'face') {
        setRun({ phase: 'running', kind: target, progress: null, preparing: 'Loading the face detector…' });
        try {
          await backendReady(ac.signal);
          locate = await createImportLocate();
        } catch (e) {
          if (ac.signal.aborted) return setRun({ phase: 'done', kind: target, summary: { imported: 0, skipped: [], cancelled: true } });
          throw new Error(`the face detector could not be loaded (${e instanceof Error ? e.message : String(e)}). Imports with the fixed crop still work.`, { cause: e });
        }
      }
      const summary = await importImages(items, {
        kind: target,
        signal: ac.signal,
        ...(locate && { locate }),
        onProgress: (progress) => {
          setRun({ phase: 'running', kind: target, progress });
          if (performance.now() - lastRefresh > REFRESH_EVERY_MS) {
            lastRefresh = performance.now();
            void refresh();
          }
        },
      });
      setRun({ phase: 'done', kind: target, summary });
    } catch (e) {
      setRun({ phase: 'failed', message: e instanceof Error ? e.message : String(e) });
    } finally {
      abort.current = null;
      void refresh();
    }
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    if (run.phase === 'running') return;
    // Must be called inside the handler: the browser empties dataTransfer afterwards.
    const files = filesFromDataTransfer(e.dataTransfer);
    files.then(start, (err: unknown) => setRun({ phase: 'failed', message: `Could not read the dropped items: ${err instanceof Error ? err.message : String(err)}` }));
  };

  const running = run.phase === 'running';
  const close = () => {
    if (running) return;
    setRun({ phase: 'idle' });
    onClose();
  };

  return (
    <Dialog
      open={open}
      title="Import images"
      onClose={close}
      dismissible={!running}
      className="dialog-wide"
      testId="import-dialog"
      actions={
        running ? (
          <button type="button" className="btn" data-testid="import-cancel" onClick={() => abort.current?.abort()}>
            Cancel import
          </button>
        ) : (
          <button type="button" className="btn" data-testid="import-close" onClick={close}>
            {run.phase === 'done' ? 'Done' : 'Close'}
          </button>
        )
      }
    >
      <div className="import-kind">
        <label htmlFor={kindId}>Add the images to</label>
        <select id={kindId} name="import-kind" data-testid="import-kind" value={kind} disabled={running} onChange={(e) => setKind(e.target.value as SampleKind)}>
          {SAMPLE_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]} samples
            </option>
          ))}
        </select>
      </div>

      <div
        className="import-dropzone"
        data-over={over}
        data-testid="import-dropzone"
        onDragEnter={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = running ? 'none' : 'copy';
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
        }}
        onDrop={onDrop}
      >
        <p>Drop images, folders or .tar / .tgz archives here, or</p>
        <div className="import-pickers">
          <button type="button" className="btn btn-primary" disabled={running} onClick={() => filesInput.current?.click()}>
            Choose files…
          </button>
          <button type="button" className="btn" disabled={running} onClick={() => folderInput.current?.click()}>
            Choose a folder…
          </button>
        </div>
        <input
          ref={filesInput}
          type="file"
          multiple
          accept={ACCEPT}
          hidden
          data-testid="import-files-input"
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []);
            e.currentTarget.value = '';
            void start(files);
          }}
        />
        <input
          ref={(el) => {
            folderInput.current = el;
            if (el) el.webkitdirectory = true;
          }}
          type="file"
          multiple
          hidden
          data-testid="import-folder-input"
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []);
            e.currentTarget.value = '';
            void start(files);
          }}
        />
        <p className="import-note" data-testid="import-note" data-crop-mode={cropMode}>
          JPEG, PNG, GIF, WebP, BMP or AVIF. {cropNote(cropMode)}
        </p>
      </div>

      {run.phase === 'running' && (
        <div className="import-progress" data-testid="import-progress">
          <ProgressBar
            label="Importing images"
            value={run.progress?.bytesRead ?? 0}
            max={run.progress?.bytesTotal ?? null}
            caption={
              run.progress
                ? `Imported ${run.progress.imported}, skipped ${run.progress.skipped} · ${formatBytes(run.progress.bytesRead)} of ${formatBytes(run.progress.bytesTotal)}`
                : (run.preparing ?? 'Reading the files…')
            }
          />
          {run.progress?.current && <p className="import-current">{run.progress.current}</p>}
        </div>
      )}
      {run.phase === 'done' && <Summary kind={run.kind} summary={run.summary} />}
      {run.phase === 'failed' && (
        <p className="import-error" role="alert" data-testid="import-error">
          The import failed: {run.message}
        </p>
      )}
    </Dialog>
  );
}

/**
 * Files dropped outside the import drop zone must not make the browser navigate away from the app
 * to show the file: such drops are refused.
 */
function useRefuseStrayDrops() {
  useEffect(() => {
    const refuse = (e: globalThis.DragEvent) => {
      if (e.defaultPrevented || !e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'none';
    };
    window.addEventListener('dragover', refuse);
    window.addEventListener('drop', refuse);
    return () => {
      window.removeEventListener('dragover', refuse);
      window.removeEventListener('drop', refuse);
    };
  }, []);
}

/** The "Import images…" button and its dialog. */
export function ImportButton() {
  const [open, setOpen] = useState(false);
  useRefuseStrayDrops();
  return (
    <>
      <button type="button" className="btn" data-testid="import-open" onClick={() => setOpen(true)}>
        Import images…
      </button>
      <ImportDialog open={open} onClose={() => setOpen(false)} />
    </>
  );
}
