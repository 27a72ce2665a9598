import { useEffect, useId, useRef, useState } from 'react';
import { disposeNetwork, exportNetworkFiles, importNetworkFiles, ModelFileError, MODEL_FILE_NAMES, type SiameseNetwork } from '../../model';
import { useMessages } from '../common/Messages';
import { formatBytes } from '../common/format';
import { useVerify } from '../verify/VerifyContext';
import { useModel } from './ModelContext';
import { describeModel } from './modelStatus';
import './model.css';
import { errorMessage } from '../../common';

interface ExportLink {
  readonly name: string;
  readonly url: string;
  readonly bytes: number;
}

const ERROR_HINT: Record<ModelFileError['code'], string> = {
  'not-a-model': 'These files are not a model exported by this app.',
  'wrong-architecture': 'This model has another architecture than this app’s network.',
  corrupt: 'The model files are damaged.',
};

/** Export the trained model as files (model.json, weights.bin, siamese-face-id.json) and import them back. */
export function ModelFilesPanel() {
  const model = useModel();
  const { thresholds, setThresholds } = useVerify();
  const { notify } = useMessages();
  const [links, setLinks] = useState<{ net: SiameseNetwork; files: readonly ExportLink[] } | null>(null);
  const [exporting, setExporting] = useState(false);
  const [importing, setImporting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  // Object URLs live as long as their links, and links as long as their model (the weights blob
  // is as large as the model: it is not kept once another model replaced it).
  useEffect(() => {
    if (!links) return;
    return () => links.files.forEach((f) => URL.revokeObjectURL(f.url));
  }, [links]);
  useEffect(() => () => setLinks(null), [model.net]);

  const current = links && links.net === model.net ? links.files : null;
  const description = describeModel({ status: model.status, source: model.source, training: model.meta?.training, createdAt: model.meta?.createdAt, error: model.error });

  const prepareExport = async () => {
    if (!model.net) return;
    setExporting(true);
    setError(null);
    try {
      const net = model.net;
      const meta = { ...(model.meta ?? { createdAt: new Date().toISOString() }), thresholds };
      const files = await exportNetworkFiles(net, meta);
      const order = [MODEL_FILE_NAMES.model, MODEL_FILE_NAMES.weights, MODEL_FILE_NAMES.meta] as const;
      setLinks({ net, files: order.map((name) => ({ name, url: URL.createObjectURL(files[name]), bytes: files[name].size })) });
    } catch (e) {
      setError(`The model could not be exported: ${errorMessage(e)}`);
    } finally {
      setExporting(false);
    }
  };

  const deleteTrained = async () => {
    setDeleting(true);
    setError(null);
    try {
      await model.clear();
      notify('success', 'The trained model was deleted; the pretrained face model verifies again until you train.');
    } catch (e) {
      setError(`The trained model could not be deleted: ${errorMessage(e)}`);
    } finally {
      setDeleting(false);
      setConfirmDelete(false);
    }
  };

  const importFiles = async (files: readonly File[]) => {
    if (files.length === 0) return;
    setImporting(true);
    setError(null);
    try {
      const loaded = await importNetworkFiles(files);
      try {
        await model.setNetwork(loaded.net, loaded.meta);
      } catch (e) {
        // Not adopted: free it (the current model stays).
        disposeNetwork(loaded.net);
        throw e;
      }
      setThresholds(loaded.meta.thresholds);
      notify(
        'success',
        `Model imported (thresholds ${loaded.meta.thresholds.detectionThreshold} / ${loaded.meta.thresholds.verificationThreshold} from its file).`,
      );
    } catch (e) {
      const hint = e instanceof ModelFileError ? `${ERROR_HINT[e.code]} ` : '';
      setError(`${hint}${errorMessage(e)}${model.net ? ' The current model stays in place.' : ''}`);
    } finally {
      setImporting(false);
      if (inputRef.current) inputRef.current.value = '';
    }
  };

  return (
    <section className="card model-files" aria-labelledby="model-files-title">
      <header className="card-header">
        <h2 id="model-files-title">Model files</h2>
      </header>
      <p className="model-status" data-testid="model-status" data-kind={description.kind}>
        <strong>{description.title}</strong>
        {description.detail && <span className="model-help"> {description.detail}</span>}
      </p>
      {model.note && (
        <p className="model-help" data-testid="model-note">
          {model.note}
        </p>
      )}
      {model.source === 'trained' &&
        (confirmDelete ? (
          <p className="model-confirm" role="group" aria-label="Delete the trained model?">
            Delete the trained model? The pretrained face model takes its place.{' '}
            <button type="button" className="btn btn-danger" onClick={() => void deleteTrained()} disabled={deleting} data-testid="model-delete-confirm">
              {deleting ? 'Deleting…' : 'Delete'}
            </button>{' '}
            <button type="button" className="btn" onClick={() => setConfirmDelete(false)} disabled={deleting}>
              Cancel
            </button>
          </p>
        ) : (
          <button type="button" className="btn" onClick={() => setConfirmDelete(true)} data-testid="model-delete">
            Delete the trained model
          </button>
        ))}

      <h3>Export</h3>
      <p className="model-help">
        Three files: <code>{MODEL_FILE_NAMES.model}</code> and <code>{MODEL_FILE_NAMES.weights}</code> (the standard TensorFlow.js format)
        and <code>{MODEL_FILE_NAMES.meta}</code> (configuration and thresholds). They stay on your device unless you move them.
      </p>
      <button type="button" className="btn" onClick={() => void prepareExport()} disabled={!model.net || exporting} data-testid="model-export">
        {exporting ? 'Preparing files…' : 'Export model files'}
      </button>
      {current && (
        <ul className="model-links">
          {current.map((f) => (
            <li key={f.name}>
              <a href={f.url} download={f.name} data-testid="model-export-link">
                Download {f.name}
              </a>{' '}
              <span className="model-help">({formatBytes(f.bytes)})</span>
            </li>
          ))}
        </ul>
      )}

      <h3>Import</h3>
      <label htmlFor={inputId} className="model-help">
        Choose all three files of an exported model (you can select several at once).
      </label>
      <input
        ref={inputRef}
        id={inputId}
        type="file"
        multiple
        accept=".json,.bin,application/json,application/octet-stream"
        disabled={importing}
        data-testid="model-import-input"
        onChange={(e) => void importFiles(Array.from(e.currentTarget.files ?? []))}
      />
      {importing && <p role="status">Importing the model…</p>}
      {error && (
        <p className="model-error" role="alert" data-testid="model-error">
          {error}
        </p>
      )}
    </section>
  );
}
