import { useEffect, useMemo, useState } from 'react';
import { getSampleStore, type SampleKind, type SampleRecord } from '../../data';
import { ConfirmDialog } from '../common/Dialog';
import { plural } from '../../common';
import { useMessages } from '../common/Messages';
import { GALLERY_PAGE_SIZE, groupByPerson, newestPage, showMore } from './paging';
import { useSamples } from './SamplesContext';
import { Thumbnail } from './Thumbnail';
import { usePeople } from '../people/PeopleContext';
import { errorMessage } from '../../common';

/**
 * The samples of one kind, newest first, a page at a time (a kind can hold thousands), anchors,
 * positives and verification images grouped by person (negatives are everyone's). Delete one
 * with its × button; delete all of the kind after a confirmation. Render it with `key={kind}` so
 * switching kinds starts again at the first page.
 */
export function Gallery({ kind }: { kind: SampleKind }) {
  const { version, refresh } = useSamples();
  const { notify } = useMessages();
  const [records, setRecords] = useState<readonly SampleRecord[] | null>(null);
  const [shown, setShown] = useState(GALLERY_PAGE_SIZE);
  const [confirmAll, setConfirmAll] = useState(false);

  useEffect(() => {
    let cancelled = false;
    getSampleStore()
      .listSamples(kind)
      .then((r) => {
        if (!cancelled) setRecords(r);
      })
      .catch((e: unknown) => {
        if (!cancelled) notify('error', `Could not list the ${kind} samples: ${errorMessage(e)}`);
      });
    return () => {
      cancelled = true;
    };
  }, [kind, version, notify]);

  const page = useMemo(() => newestPage(records ?? [], shown), [records, shown]);
  const { people, nameOf } = usePeople();
  const groups = useMemo(() => groupByPerson(page.items, records ?? [], people.list), [page.items, records, people.list]);

  const run = async (what: string, job: () => Promise<unknown>) => {
    try {
      await job();
    } catch (e) {
      notify('error', `Could not ${what}: ${errorMessage(e)}`);
    }
    await refresh();
  };

  const deleteOne = (r: SampleRecord) => {
    setRecords((list) => list?.filter((x) => x.id !== r.id) ?? null); // at once; the refresh confirms
    void run(`delete the ${kind} sample`, () => getSampleStore().deleteSample(r.id));
  };
  const deleteAll = () => {
    setConfirmAll(false);
    void run(`delete the ${kind} samples`, async () => {
      const n = await getSampleStore().deleteKind(kind);
      notify('info', `Deleted ${plural(n, `${kind} sample`)}.`);
    });
  };

  const total = records?.length ?? 0;
  return (
    <div className="gallery" data-testid={`gallery-${kind}`}>
      <div className="gallery-toolbar">
        <span className="gallery-total" role="status">
          {records === null ? 'Loading…' : total === 0 ? `No ${kind} samples yet.` : `${plural(total, `${kind} sample`)}, newest first`}
        </span>
        {total > 0 && (
          <button type="button" className="btn btn-danger-outline" data-testid={`delete-all-${kind}`} onClick={() => setConfirmAll(true)}>
            Delete all
          </button>
        )}
      </div>
      {groups.map((g) => (
        <div key={g.person ?? 'all'} data-testid={g.person ? `gallery-person-${g.person}` : undefined}>
          {g.person !== null && (
            <h3 className="gallery-person">
              {nameOf(g.person)} <span className="kind-tab-count">{g.total}</span>
            </h3>
          )}
          <ul className="gallery-grid">
            {g.items.map((r) => (
              <Thumbnail key={r.id} record={r} onDelete={deleteOne} />
            ))}
          </ul>
        </div>
      ))}
      {page.remaining > 0 && (
        <button type="button" className="btn gallery-more" onClick={() => setShown((s) => showMore(s, total))}>
          Show more ({page.remaining} older)
        </button>
      )}
      <ConfirmDialog
        open={confirmAll}
        title={`Delete all ${kind} samples?`}
        message={`This deletes ${plural(total, `${kind} sample`)} from this browser. It cannot be undone.`}
        confirmLabel={`Delete ${plural(total, 'sample')}`}
        danger
        onConfirm={deleteAll}
        onCancel={() => setConfirmAll(false)}
      />
    </div>
  );
}
