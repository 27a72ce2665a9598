import { DEFAULT_PEOPLE, MAX_PERSON_NAME, type PeopleSettings, type Person } from '../data';

/**
 * The people a model file records (ids and names only: no images, no thresholds), and how a
 * file's people join this app's `people` setting on import. Pure functions, no tf.js.
 */

/** A person as a model file records them. */
export type ModelPerson = Pick<Person, 'id' | 'name'>;

/** Whom a file that records no people was trained for: files from before people read as the default person ("Me"). */
export const LEGACY_MODEL_PEOPLE: readonly ModelPerson[] = DEFAULT_PEOPLE.list.map(({ id, name }) => ({ id, name }));

/** The longest person id a file may hold (the app's ids are "me" and "p-" plus 6 characters). */
const MAX_PERSON_ID = 64;

/** A name as the people setting keeps it: trimmed, inner whitespace collapsed. */
const cleanName = (name: string) => name.trim().replace(/\s+/g, ' ');
/** Names are compared as checkPersonName (src/data) compares them: case-insensitively. */
const nameKey = (name: string) => cleanName(name).toLocaleLowerCase();

/** People (e.g. the people setting's list) as a file records them: ids and names only. */
export function modelPeopleOf(list: readonly ModelPerson[]): ModelPerson[] {
  return list.map(({ id, name }) => ({ id, name }));
}

/**
 * The `people` field of a model's metadata checked. Absent (a file from before people): the
 * default person. Otherwise a non-empty list of `{ id, name }` with unique ids and names of
 * 1–MAX_PERSON_NAME characters; anything else throws a TypeError naming what is wrong.
 */
export function parseModelPeople(raw: unknown): ModelPerson[] {
  if (raw === undefined) return LEGACY_MODEL_PEOPLE.map((p) => ({ ...p }));
  if (!Array.isArray(raw) || raw.length === 0) throw new TypeError(`people ${JSON.stringify(raw)} is not a list of at least one person`);
  const ids = new Set<string>();
  return raw.map((v: unknown, i) => {
    const p = v as Partial<Record<keyof ModelPerson, unknown>> | null;
    const what = `person ${i + 1} of people (${JSON.stringify(v)})`;
    if (typeof p !== 'object' || p === null || typeof p.id !== 'string' || typeof p.name !== 'string') {
      throw new TypeError(`${what} is not { id, name }`);
    }
    if (p.id === '' || p.id.length > MAX_PERSON_ID)
      throw new TypeError(`${what} has an id of ${p.id.length} characters (1–${MAX_PERSON_ID})`);
    const name = cleanName(p.name);
    if (name === '' || name.length > MAX_PERSON_NAME) {
      throw new TypeError(`${what} has a name of ${name.length} characters (1–${MAX_PERSON_NAME})`);
    }
    if (ids.has(p.id)) throw new TypeError(`people lists the id ${JSON.stringify(p.id)} twice`);
    ids.add(p.id);
    return { id: p.id, name };
  });
}

/** One person of a model file that this app did not know, as added to its people. */
export interface AddedPerson {
  /** As added: the file's id, and its name, suffixed (e.g. "Ann (2)") when another person here has it. */
  readonly person: Person;
  /** The name in the file. */
  readonly fileName: string;
}

export interface ModelPeopleMerge {
  /** The people setting with the file's unknown people appended (the same object when none were). */
  readonly people: PeopleSettings;
  /** Whom the model was trained for, in the file's order, by their names here. */
  readonly trainedFor: readonly Person[];
  /** The file's people that were not here, in the file's order (none: `people` is unchanged). */
  readonly added: readonly AddedPerson[];
}

/** `name`, or `name (2)`, `name (3)`, … : the first that no name in `taken` has (shortened to fit MAX_PERSON_NAME). */
function freeName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(nameKey(name))) return name;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = `${name.slice(0, MAX_PERSON_NAME - suffix.length).trimEnd()}${suffix}`;
    if (!taken.has(nameKey(candidate))) return candidate;
  }
}

/**
 * Joins a model file's people (parseModelPeople) to this app's people setting: a person is the
 * same person when the id is the same (their name here is kept); every id of the file that is not
 * here is appended with the file's name (with no samples: the caller says they need verification
 * images), suffixed when another person here already has that name. Whom captures go to and the
 * margin do not change.
 */
export function mergeModelPeople(here: PeopleSettings, file: readonly ModelPerson[]): ModelPeopleMerge {
  const byId = new Map(here.list.map((p) => [p.id, p]));
  const taken = new Set(here.list.map((p) => nameKey(p.name)));
  const added: AddedPerson[] = [];
  const trainedFor = file.map((f) => {
    const known = byId.get(f.id);
    if (known) return known;
    const person: Person = { id: f.id, name: freeName(cleanName(f.name), taken) };
    taken.add(nameKey(person.name));
    byId.set(person.id, person);
    added.push({ person, fileName: f.name });
    return person;
  });
  const people = added.length === 0 ? here : { ...here, list: [...here.list, ...added.map((a) => a.person)] };
  return { people, trainedFor, added };
}
