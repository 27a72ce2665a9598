import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  checkPersonName,
  DEFAULT_PEOPLE,
  deletePerson,
  getSampleStore,
  getSettingsStore,
  migrateToPeople,
  newPersonId,
  PERSON_KINDS,
  personOf,
  type PeopleSettings,
  type Person,
  type PersonThresholds,
} from '../../data';
import { errorMessage, plural } from '../../common';
import { useMessages } from '../common/Messages';
import { useSamples } from '../samples/SamplesContext';

/** A person's anchors, positives and verification images. */
export type PersonCounts = Readonly<Record<(typeof PERSON_KINDS)[number], number>>;
export const NO_COUNTS: PersonCounts = { anchor: 0, positive: 0, verification: 0 };

/**
 * The people the app knows (src/data people.ts) for the whole UI: whom captures go to, each
 * person's counts, and the edits (add, rename, delete with their samples, per-person thresholds,
 * the identification margin). Every edit is stored in the settings store at once; a failed write
 * says why and leaves the list as it was.
 */
export interface PeopleState {
  readonly people: PeopleSettings;
  /** False until the stored list was read (after the one-time migration to "Me"). */
  readonly loaded: boolean;
  /** The person captures go to. */
  readonly current: Person;
  /** Each person's sample counts by id (absent: none). */
  readonly counts: ReadonlyMap<string, PersonCounts>;
  nameOf(id: string): string;
  setCurrent(id: string): Promise<void>;
  /** Adds a person (the name checked: throws a TypeError saying what is wrong) and captures for them. */
  add(name: string): Promise<Person>;
  rename(id: string, name: string): Promise<void>;
  /** Deletes the person and every anchor, positive and verification image of theirs. */
  remove(id: string): Promise<void>;
  /** A person's own thresholds (null: the global ones). */
  setThresholds(id: string, thresholds: PersonThresholds | null): Promise<void>;
  setMargin(margin: number): Promise<void>;
  /** Reads the stored list again (after something else wrote it, e.g. a model import that added people). */
  reload(): Promise<void>;
}

const PeopleContext = createContext<PeopleState | null>(null);

/** The person captures go to (the first one when the stored id is unknown). */
function currentPerson(s: PeopleSettings): Person {
  return s.list.find((p) => p.id === s.current) ?? s.list[0]!;
}

/** Inside <SamplesProvider> (counts follow the samples) and <MessagesProvider>. */
export function PeopleProvider({ children }: { children: ReactNode }) {
  const { version, refresh } = useSamples();
  const { notify } = useMessages();
  const [people, setPeople] = useState<PeopleSettings>(DEFAULT_PEOPLE);
  const [loaded, setLoaded] = useState(false);
  const [counts, setCounts] = useState<ReadonlyMap<string, PersonCounts>>(new Map());
  const latest = useRef(people);
  useEffect(() => {
    latest.current = people;
  }, [people]);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const settings = getSettingsStore();
      const moved = await migrateToPeople(getSampleStore(), settings);
      const stored = await settings.get('people');
      if (cancelled) return;
      setPeople(stored);
      setLoaded(true);
      if (moved > 0) {
        notify('info', `Your ${plural(moved, 'sample')} now belong to "${stored.list[0]!.name}": add more people in the People bar.`);
        await refresh();
      }
    })().catch((e: unknown) => {
      if (!cancelled) {
        notify('error', `Could not read the people: ${errorMessage(e)}. Captures go to "${DEFAULT_PEOPLE.list[0]!.name}".`);
        setLoaded(true);
      }
    });
    return () => {
      cancelled = true;
    };
  }, [notify, refresh]);

  useEffect(() => {
    let cancelled = false;
    Promise.all(PERSON_KINDS.map((k) => getSampleStore().listSamples(k))).then(
      (lists) => {
        if (cancelled) return;
        const next = new Map<string, Record<(typeof PERSON_KINDS)[number], number>>();
        for (const r of lists.flat()) {
          const who = personOf(r);
          if (who === null) continue;
          const c = next.get(who) ?? { ...NO_COUNTS };
          c[r.kind as (typeof PERSON_KINDS)[number]]++;
          next.set(who, c);
        }
        setCounts(next);
      },
      () => undefined, // the global counts report read errors
    );
    return () => {
      cancelled = true;
    };
  }, [version]);

  const save = useCallback(async (next: PeopleSettings) => {
    await getSettingsStore().set('people', next);
    latest.current = next;
    setPeople(next);
  }, []);

  const setCurrent = useCallback(
    async (id: string) => {
      const now = latest.current;
      if (!now.list.some((p) => p.id === id)) throw new TypeError(`No person with id ${JSON.stringify(id)}`);
      await save({ ...now, current: id });
    },
    [save],
  );
  const add = useCallback(
    async (name: string) => {
      const now = latest.current;
      const person: Person = { id: newPersonId(now.list), name: checkPersonName(name, now.list) };
      await save({ ...now, list: [...now.list, person], current: person.id });
      return person;
    },
    [save],
  );
  const edit = useCallback(
    async (id: string, f: (p: Person) => Person) => {
      const now = latest.current;
      if (!now.list.some((p) => p.id === id)) throw new TypeError(`No person with id ${JSON.stringify(id)}`);
      await save({ ...now, list: now.list.map((p) => (p.id === id ? f(p) : p)) });
    },
    [save],
  );
  const rename = useCallback(
    async (id: string, name: string) => {
      const checked = checkPersonName(name, latest.current.list, id);
      await edit(id, (p) => ({ ...p, name: checked }));
    },
    [edit],
  );
  const setThresholds = useCallback(
    (id: string, thresholds: PersonThresholds | null) =>
      edit(id, (p) => ({ id: p.id, name: p.name, ...(thresholds !== null && { thresholds }) })),
    [edit],
  );
  const remove = useCallback(
    async (id: string) => {
      const { people: next } = await deletePerson(getSampleStore(), getSettingsStore(), id);
      latest.current = next;
      setPeople(next);
      await refresh();
    },
    [refresh],
  );
  const setMargin = useCallback((margin: number) => save({ ...latest.current, margin }), [save]);
  const reload = useCallback(async () => {
    const stored = await getSettingsStore().get('people');
    latest.current = stored;
    setPeople(stored);
  }, []);

  const current = currentPerson(people);
  const value = useMemo<PeopleState>(
    () => ({
      people,
      loaded,
      current,
      counts,
      nameOf: (id) => people.list.find((p) => p.id === id)?.name ?? 'someone removed',
      setCurrent,
      add,
      rename,
      remove,
      setThresholds,
      setMargin,
      reload,
    }),
    [people, loaded, current, counts, setCurrent, add, rename, remove, setThresholds, setMargin, reload],
  );

  return <PeopleContext.Provider value={value}>{children}</PeopleContext.Provider>;
}

export function usePeople(): PeopleState {
  const p = useContext(PeopleContext);
  if (!p) throw new Error('usePeople must be used inside <PeopleProvider>');
  return p;
}
