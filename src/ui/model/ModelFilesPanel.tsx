import { useState } from 'react';
import { errorMessage } from '../../common';
import { useMessages } from '../common/Messages';
import { faceModelOf } from '../../config';
import { useModel } from './ModelContext';
import { ModelExportSection } from './ModelExportSection';
import { ModelImportSection } from './ModelImportSection';
import { describeModel } from './modelStatus';
import './model.css';

/**
 * The current model, deleting a trained one, and its files: export (model.json, weights.bin,
 * siamese-face-id.json) and import them back. One error line serves all three actions.
 */
export function ModelFilesPanel() {
  const model = useModel();
  const { notify } = useMessages();
  const [error, setError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const description = describeModel({
    status: model.status,
    source: model.source,
    training: model.meta?.training,
    createdAt: model.meta?.createdAt,
    error: model.error,
    ...(model.net ? { faceModel: faceModelOf(model.net.config) } : {}),
  });

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

  return (
    <section className="card model-files" aria-labelledby="model-files-title">
      <header className="card-header">
        <h2 id="model-files-title">Model</h2>
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
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => void deleteTrained()}
              disabled={deleting}
              data-testid="model-delete-confirm"
            >
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

      <ModelExportSection onError={setError} />
      <ModelImportSection onError={setError} />
      {error && (
        <p className="model-error" role="alert" data-testid="model-error">
          {error}
        </p>
      )}
    </section>
  );
}
