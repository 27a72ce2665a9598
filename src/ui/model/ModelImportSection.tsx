import { useId, useRef, useState } from 'react';
import { errorMessage } from '../../common';
import { FACE_MODEL_LABELS, faceModelOf } from '../../config';
import { getSettingsStore } from '../../data';
import { disposeNetwork, importNetworkFiles, mergeModelPeople, ModelFileError, type ModelPerson, type SiameseNetwork } from '../../model';
import { useMessages } from '../common/Messages';
import { useVerify } from '../verify/VerifyContext';
import { useModel } from './ModelContext';
import { importedPeopleNote } from './importPeople';
import { usePeople } from '../people/PeopleContext';

const ERROR_HINT: Record<ModelFileError['code'], string> = {
  'not-a-model': 'These files are not a model exported by this app.',
  'wrong-architecture': 'This model has another architecture than this app’s network.',
  corrupt: 'The model files are damaged.',
};

/**
 * Adds the people of an imported file that this app does not know to the `people` setting (with no
 * samples); returns what to say about them, or null when everyone was here.
 */
async function addModelPeople(people: readonly ModelPerson[]): Promise<string | null> {
  const settings = getSettingsStore();
  const merge = mergeModelPeople(await settings.get('people'), people);
  if (merge.added.length > 0) await settings.set('people', merge.people);
  return importedPeopleNote(merge);
}

/**
 * Import an exported model's files: it becomes the current model, with the thresholds from its
 * file; people of the file that are not here are added (addModelPeople), and the panel says so
 * while that model is current. A bad file leaves the current model in place; `onError` gets why,
 * or null when a new import starts.
 */
export function ModelImportSection({ onError }: { onError: (message: string | null) => void }) {
  const model = useModel();
  const { setThresholds } = useVerify();
  const { notify } = useMessages();
  const people = usePeople();
  const [importing, setImporting] = useState(false);
  const [peopleNote, setPeopleNote] = useState<{ net: SiameseNetwork; text: string } | null>(null);
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  const importFiles = async (files: readonly File[]) => {
    if (files.length === 0) return;
    setImporting(true);
    onError(null);
    setPeopleNote(null);
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
      let note: string | null = null;
      try {
        note = await addModelPeople(loaded.people);
        if (note) await people.reload();
      } catch (e) {
        onError(`The model was imported, but the people it was trained for could not be added: ${errorMessage(e)}`);
      }
      if (note) setPeopleNote({ net: loaded.net, text: note });
      notify(
        'success',
        `Model imported: ${FACE_MODEL_LABELS[faceModelOf(loaded.net.config)]} (thresholds ${loaded.meta.thresholds.detectionThreshold} / ${loaded.meta.thresholds.verificationThreshold} from its file).${note ? ` ${note}` : ''}`,
      );
    } catch (e) {
      const hint = e instanceof ModelFileError ? `${ERROR_HINT[e.code]} ` : '';
      onError(`${hint}${errorMessage(e)}${model.net ? ' The current model stays in place.' : ''}`);
    } finally {
      setImporting(false);
      if (inputRef.current) inputRef.current.value = '';
    }
  };

  return (
    <>
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
      {peopleNote && peopleNote.net === model.net && (
        <p className="model-help" data-testid="model-import-people">
          {peopleNote.text}
        </p>
      )}
    </>
  );
}
