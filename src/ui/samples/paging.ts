/**
 * Gallery paging: a kind can hold thousands of samples, so a gallery shows the newest `pageSize`
 * and grows by a page on "Show more". Pure, so the rules are unit-tested in Node.
 */

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
