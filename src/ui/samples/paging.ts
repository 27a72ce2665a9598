/**
 * Gallery paging: a kind can hold thousands of samples, so a gallery shows the newest `pageSize`
 * and grows by a page on "Show more". Pure, so the rules are unit-tested in Node.
 */
import { personOf } from '../../data';

export const GALLERY_PAGE_SIZE = 60;

export interface Page<T> {
  /** The items to render, newest first. */
  readonly items: readonly T[];
  /** How many more there are beyond `items`. */
  readonly remaining: number;
}

/**
 * The newest `shown` items of a list given oldest first (the order samples are stored in), newest
 * first. `shown` is clamped to [0, items.length].
 */
export function newestPage<T>(oldestFirst: readonly T[], shown: number): Page<T> {
  const n = Math.max(0, Math.min(Math.floor(shown), oldestFirst.length));
  const items = oldestFirst.slice(oldestFirst.length - n).reverse();
  return { items, remaining: oldestFirst.length - n };
}

/** The next `shown` after "Show more": one page more, never beyond the total. */
export function showMore(shown: number, total: number, pageSize = GALLERY_PAGE_SIZE): number {
  return Math.min(total, Math.max(0, shown) + pageSize);
}

/** One person's part of a gallery page; `person` null for samples that belong to nobody (negatives). */
export interface PersonGroup<T> {
  readonly person: string | null;
  readonly items: readonly T[];
  /** How many of the whole list are this person's (not only on the page). */
  readonly total: number;
}

/**
 * A page's items grouped by whose they are (src/data personOf), in the order of `people` (then
 * anyone not listed, e.g. a person deleted meanwhile), each group newest first as on the page.
 * Negatives (no person) make one ungrouped group. Groups without items on the page are left out.
 */
export function groupByPerson<T extends { readonly kind: string; readonly person?: string }>(
  items: readonly T[],
  all: readonly T[],
  people: readonly { readonly id: string }[],
): PersonGroup<T>[] {
  const byPerson = new Map<string | null, T[]>();
  for (const r of items) {
    const who = personOf(r);
    byPerson.set(who, [...(byPerson.get(who) ?? []), r]);
  }
  const totals = new Map<string | null, number>();
  for (const r of all) totals.set(personOf(r), (totals.get(personOf(r)) ?? 0) + 1);
  const order = [...people.map((p) => p.id), ...[...byPerson.keys()].filter((k) => k !== null && !people.some((p) => p.id === k))];
  const groups: PersonGroup<T>[] = [];
  if (byPerson.has(null)) groups.push({ person: null, items: byPerson.get(null)!, total: totals.get(null) ?? 0 });
  for (const id of order) {
    const mine = byPerson.get(id);
    if (mine) groups.push({ person: id, items: mine, total: totals.get(id) ?? 0 });
  }
  return groups;
}
