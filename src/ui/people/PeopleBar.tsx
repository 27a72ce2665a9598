import { useState, type FormEvent } from 'react';
import { errorMessage, plural } from '../../common';
import { ConfirmDialog, Dialog } from '../common/Dialog';
import { useMessages } from '../common/Messages';
import { NO_COUNTS, usePeople, type PersonCounts } from './PeopleContext';
import './people.css';

/** "12 anchors · 12 positives · 8 verification" */
export function countsText(c: PersonCounts): string {
  return `${plural(c.anchor, 'anchor')} · ${plural(c.positive, 'positive')} · ${c.verification} verification`;
}

type Editing = { readonly mode: 'add' } | { readonly mode: 'rename'; readonly id: string } | null;

/**
 * Beside the preview: whom `a` / `p` / `v` capture for, with that person's counts, and adding,
 * renaming and deleting people (deleting asks first: it removes the person's samples).
 */
export function PeopleBar() {
  const people = usePeople();
  const { notify } = useMessages();
  const [editing, setEditing] = useState<Editing>(null);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const { current } = people;
  const mine = people.counts.get(current.id) ?? NO_COUNTS;
  const total = mine.anchor + mine.positive + mine.verification;

  const open = (e: Editing) => {
    setEditing(e);
    setName(e?.mode === 'rename' ? people.nameOf(e.id) : '');
    setProblem(null);
  };
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (!editing) return;
    setBusy(true);
    try {
      if (editing.mode === 'add') {
        const p = await people.add(name);
        notify('info', `Added ${p.name}: captures now go to ${p.name}.`);
      } else {
        await people.rename(editing.id, name);
      }
      setEditing(null);
    } catch (e) {
      setProblem(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setConfirmDelete(false);
    const who = current.name;
    try {
      await people.remove(current.id);
      notify('info', `Deleted ${who} and ${plural(total, 'sample')} of theirs.`);
    } catch (e) {
      notify('error', `Could not delete ${who}: ${errorMessage(e)}`);
    }
  };

  return (
    <div className="people-bar" data-testid="people-bar">
      <label className="people-current">
        <span>Capturing for</span>
        <select
          data-testid="person-select"
          value={current.id}
          disabled={!people.loaded}
          onChange={(e) =>
            void people.setCurrent(e.target.value).catch((err: unknown) => notify('error', `Could not switch: ${errorMessage(err)}`))
          }
        >
          {people.people.list.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <span className="people-counts" data-testid="person-counts">
        {countsText(mine)}
      </span>
      <span className="people-actions">
        <button type="button" className="btn" data-testid="person-add" disabled={!people.loaded} onClick={() => open({ mode: 'add' })}>
          Add person
        </button>
        <button
          type="button"
          className="btn"
          data-testid="person-rename"
          disabled={!people.loaded}
          onClick={() => open({ mode: 'rename', id: current.id })}
        >
          Rename
        </button>
        <button
          type="button"
          className="btn btn-danger-outline"
          data-testid="person-delete"
          disabled={!people.loaded || people.people.list.length < 2}
          title={
            people.people.list.length < 2
              ? 'The last person cannot be deleted: add another person first'
              : `Delete ${current.name} and their samples`
          }
          onClick={() => setConfirmDelete(true)}
        >
          Delete
        </button>
      </span>
      <Dialog
        open={editing !== null}
        title={editing?.mode === 'add' ? 'Add a person' : `Rename ${editing ? people.nameOf(editing.id) : ''}`}
        onClose={() => setEditing(null)}
        testId="person-dialog"
      >
        <form onSubmit={(e) => void submit(e)} className="people-form">
          <label>
            Name
            <input
              data-testid="person-name"
              value={name}
              autoFocus
              maxLength={60}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={problem !== null}
              aria-describedby="person-problem"
            />
          </label>
          {problem && (
            <p id="person-problem" className="people-error" role="alert">
              {problem}
            </p>
          )}
          {editing?.mode === 'add' && (
            <p className="people-help">
              Then capture their anchors, positives and verification images (keys A, P, V) and train again: one model learns everyone, and
              each person is told apart from the others.
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={() => setEditing(null)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" data-testid="person-save" disabled={busy}>
              {editing?.mode === 'add' ? 'Add' : 'Save'}
            </button>
          </div>
        </form>
      </Dialog>
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${current.name}?`}
        message={`This deletes ${current.name} and ${plural(total, 'sample')} of theirs (${countsText(mine)}) from this browser. It cannot be undone. A trained model keeps what it learned until you train again.`}
        confirmLabel={`Delete ${current.name}`}
        danger
        onConfirm={() => void remove()}
        onCancel={() => setConfirmDelete(false)}
      />
    </div>
  );
}
