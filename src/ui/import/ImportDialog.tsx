import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { filesFromDataTransfer, SAMPLE_KINDS, type ImportItem, type ImportSummary, type SampleKind } from '../../data';
import { KIND_LABELS } from '../camera/CaptureControls';
import { Dialog } from '../common/Dialog';
import { formatBytes, plural } from '../../common';
import { ProgressBar } from '../common/ProgressBar';
import { cropNote, summaryHeadline } from './summary';
import { useCropMode, useImportRun, type ImportRunState } from './useImportRun';

/** A summary lists at most this many skipped files (an archive can skip thousands). */
const MAX_SKIPPED_LISTED = 200;

const ACCEPT = 'image/*,.tar,.tgz,.tar.gz,.gz,application/x-tar,application/gzip';

function Summary({ kind, summary }: { kind: SampleKind; summary: ImportSummary }) {
  const { imported, skipped, cancelled, error } = summary;
  return (
    <div className="import-summary" data-testid="import-summary" role="status">
      <p>
        <strong>{summaryHeadline(summary)}</strong> {imported > 0 ? `The images were added to the ${kind} samples.` : 'Nothing was added.'}
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

/** The running import's progress bar, counts and current file. */
function Progress({ state }: { state: Extract<ImportRunState, { phase: 'running' }> }) {
  const { progress, preparing } = state;
  return (
    <div className="import-progress" data-testid="import-progress">
      <ProgressBar
        label="Importing images"
        value={progress?.bytesRead ?? 0}
        max={progress?.bytesTotal ?? null}
        caption={
          progress
            ? `Imported ${progress.imported}, skipped ${progress.skipped} · ${formatBytes(progress.bytesRead)} of ${formatBytes(progress.bytesTotal)}`
            : (preparing ?? 'Reading the files…')
        }
      />
      {progress?.current && <p className="import-current">{progress.current}</p>}
    </div>
  );
}

/**
 * Import images into a gallery: pick files or a folder, or drop files, folders and .tar / .tgz
 * archives. The import itself (progress, cancel, crop by the capture's crop mode) is useImportRun;
 * this view shows a progress bar with counts and ends with a summary of what was imported and what
 * was skipped, and why (images with no face are skipped and counted in face mode).
 */
export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [kind, setKind] = useState<SampleKind>('negative');
  const [over, setOver] = useState(false);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const kindId = useId();
  const cropMode = useCropMode(open);
  const importRun = useImportRun();
  const { state: run, running } = importRun;

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    if (running) return;
    // Must be called inside the handler: the browser empties dataTransfer afterwards.
    importRun.startDropped(filesFromDataTransfer(e.dataTransfer), kind);
  };
  const onPicked = (input: HTMLInputElement) => {
    const files: ImportItem[] = Array.from(input.files ?? []);
    input.value = '';
    void importRun.start(files, kind);
  };

  const close = () => {
    if (running) return;
    importRun.reset();
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
          <button type="button" className="btn" data-testid="import-cancel" onClick={importRun.cancel}>
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
        <select
          id={kindId}
          name="import-kind"
          data-testid="import-kind"
          value={kind}
          disabled={running}
          onChange={(e) => setKind(e.target.value as SampleKind)}
        >
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
          onChange={(e) => onPicked(e.currentTarget)}
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
          onChange={(e) => onPicked(e.currentTarget)}
        />
        <p className="import-note" data-testid="import-note" data-crop-mode={cropMode}>
          JPEG, PNG, GIF, WebP, BMP or AVIF. {cropNote(cropMode)}
        </p>
      </div>

      {run.phase === 'running' && <Progress state={run} />}
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
