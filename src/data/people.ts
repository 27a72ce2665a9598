/**
 * The people the app knows: each has a name and their own anchors, positives and verification
 * images (a sample record's `person`); the negatives pool is shared and belongs to nobody. The
 * list, the person that captures go to and the identification margin are one setting
 * (`people`, storage.ts). Plain data, no tf.js.
 */

/** The person that samples stored before people existed belong to. */
export const DEFAULT_PERSON_ID = 'me';
export const DEFAULT_PERSON_NAME = 'Me';

/** The longest name a person may have. */
export const MAX_PERSON_NAME = 40;

/** A person's own decision thresholds, over the global ones (a missing field: the global value). */
export interface PersonThresholds {
  readonly detectionThreshold?: number;
  readonly verificationThreshold?: number;
}

export interface Person {
  /** Stable: samples and trained models refer to it. */
  readonly id: string;
  readonly name: string;
  /** Optional per-person thresholds; absent: the global ones. */
  readonly thresholds?: PersonThresholds;
}

export interface PeopleSettings {
  /** At least one person, in the order they were added. */
  readonly list: readonly Person[];
  /** Whom `a` / `p` / `v` capture for: an id of `list`. */
  readonly current: string;
  /**
   * When several people pass the decision rule on a frame, the best one is granted only when their
   * verification share beats the runner-up's by at least this much (0–1); otherwise "ambiguous".
   */
  readonly margin: number;
}

export const DEFAULT_MARGIN = 0.25;

export const DEFAULT_PEOPLE: PeopleSettings = {
  list: [{ id: DEFAULT_PERSON_ID, name: DEFAULT_PERSON_NAME }],
  current: DEFAULT_PERSON_ID,
  margin: DEFAULT_MARGIN,
};

/** The kinds of sample that belong to a person (negatives are shared). */
export const PERSON_KINDS = ['anchor', 'positive', 'verification'] as const;

/** The person a sample belongs to: its `person`, or the default person for records stored before people existed. */
export function personOf(record: { readonly kind: string; readonly person?: string }): string | null {
  if (!(PERSON_KINDS as readonly string[]).includes(record.kind)) return null;
  return record.person ?? DEFAULT_PERSON_ID;
}

/** A name trimmed and checked: non-empty, at most MAX_PERSON_NAME characters, not taken by another person. */
export function checkPersonName(name: string, list: readonly Person[], self?: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (trimmed === '') throw new TypeError('A person needs a name');
  if (trimmed.length > MAX_PERSON_NAME) throw new TypeError(`A name has at most ${MAX_PERSON_NAME} characters`);
  const taken = list.find((p) => p.id !== self && p.name.toLocaleLowerCase() === trimmed.toLocaleLowerCase());
  if (taken) throw new TypeError(`"${taken.name}" is already a person here: pick another name`);
  return trimmed;
}

function validateThreshold(v: unknown, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new TypeError(`Invalid ${what} = ${JSON.stringify(v)}: expected 0–1`);
  return v;
}

function validatePerson(v: unknown): Person {
  const p = v as Partial<Person> | null;
  if (
    typeof p !== 'object' ||
    p === null ||
    typeof p.id !== 'string' ||
    p.id === '' ||
    typeof p.name !== 'string' ||
    p.name.trim() === ''
  ) {
    throw new TypeError(`Invalid person ${JSON.stringify(v)}: expected { id, name }`);
  }
  const t = p.thresholds as PersonThresholds | undefined;
  const detection = validateThreshold(t?.detectionThreshold, 'detection threshold');
  const verification = validateThreshold(t?.verificationThreshold, 'verification threshold');
  const thresholds = {
    ...(detection !== undefined && { detectionThreshold: detection }),
    ...(verification !== undefined && { verificationThreshold: verification }),
  };
  return { id: p.id, name: p.name.trim(), ...(Object.keys(thresholds).length > 0 && { thresholds }) };
}

/** The stored `people` setting checked (ids unique, `current` one of them, margin 0–1); throws naming what is wrong. */
export function validatePeopleSettings(v: unknown): PeopleSettings {
  const s = v as Partial<PeopleSettings> | null;
  if (typeof s !== 'object' || s === null || !Array.isArray(s.list) || s.list.length === 0) {
    throw new TypeError(`Invalid people = ${JSON.stringify(v)}: expected { list: [at least one person], current, margin }`);
  }
  const list = s.list.map(validatePerson);
  const ids = new Set(list.map((p) => p.id));
  if (ids.size !== list.length) throw new TypeError('Invalid people: two people share an id');
  const current = typeof s.current === 'string' && ids.has(s.current) ? s.current : list[0]!.id;
  const margin = s.margin === undefined ? DEFAULT_MARGIN : s.margin;
  if (typeof margin !== 'number' || !(margin >= 0 && margin <= 1))
    throw new TypeError(`Invalid identification margin ${JSON.stringify(margin)}: expected 0–1`);
  return { list, current, margin };
}

/** A new person's id: unique among `list`. */
export function newPersonId(list: readonly Person[], random: () => number = Math.random): string {
  for (;;) {
    const id = `p-${Math.floor(random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0')}`;
    if (!list.some((p) => p.id === id)) return id;
  }
}
