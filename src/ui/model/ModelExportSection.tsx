import { useEffect, useState } from 'react';
import { errorMessage } from '../../common';
import { exportNetworkFiles, MODEL_FILE_NAMES, type SiameseNetwork } from '../../model';
import { formatBytes } from '../../common';
import { getSettingsStore } from '../../data';
import { useVerify } from '../verify/VerifyContext';
import { useModel } from './ModelContext';

interface ExportLink {
  readonly name: string;
  readonly url: string;
  readonly bytes: number;
}

/**
 * Export the current model as three files (model.json, weights.bin, siamese-face-id.json with the
 * current thresholds and the people setting's ids and names, read at export time), offered as
 * download links. `onError` gets the failure's message, or null when a new export starts.
 */
export function ModelExportSection({ onError }: { onError: (message: string | null) => void }) {
  const model = useModel();
  const { thresholds } = useVerify();
  const [links, setLinks] = useState<{ net: SiameseNetwork; files: readonly ExportLink[] } | null>(null);
  const [exporting, setExporting] = useState(false);

  // Object URLs live as long as their links, and links as long as their model (the weights blob
  // is as large as the model: it is not kept once another model replaced it).
  useEffect(() => {
    if (!links) return;
    return () => links.files.forEach((f) => URL.revokeObjectURL(f.url));
  }, [links]);
  useEffect(() => () => setLinks(null), [model.net]);

  const current = links && links.net === model.net ? links.files : null;

  const prepareExport = async () => {
    if (!model.net) return;
    setExporting(true);
    onError(null);
    try {
      const net = model.net;
      const meta = { ...(model.meta ?? { createdAt: new Date().toISOString() }), thresholds };
      const { list } = await getSettingsStore().get('people');
      const files = await exportNetworkFiles(net, meta, list);
      const order = [MODEL_FILE_NAMES.model, MODEL_FILE_NAMES.weights, MODEL_FILE_NAMES.meta] as const;
      setLinks({ net, files: order.map((name) => ({ name, url: URL.createObjectURL(files[name]), bytes: files[name].size })) });
    } catch (e) {
      onError(`The model could not be exported: ${errorMessage(e)}`);
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <h3>Export</h3>
      <p className="model-help">
        Three files: <code>{MODEL_FILE_NAMES.model}</code> and <code>{MODEL_FILE_NAMES.weights}</code> (the standard TensorFlow.js format)
        and <code>{MODEL_FILE_NAMES.meta}</code> (configuration, thresholds and the people list: names only, no images). They stay on your
        device unless you move them.
      </p>
      <button
        type="button"
        className="btn"
        onClick={() => void prepareExport()}
        disabled={!model.net || exporting}
        data-testid="model-export"
      >
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
    </>
  );
}
