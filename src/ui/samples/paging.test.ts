import { describe, expect, it } from 'vitest';
import { GALLERY_PAGE_SIZE, groupByPerson, newestPage, showMore } from './paging';

describe('gallery paging', () => {
  const items = Array.from({ length: 150 }, (_, i) => i); // oldest first

  it('shows the newest page, newest first', () => {
    const page = newestPage(items, GALLERY_PAGE_SIZE);
    expect(page.items).toHaveLength(60);
    expect(page.items[0]).toBe(149);
    expect(page.items[59]).toBe(90);
    expect(page.remaining).toBe(90);
  });

  it('grows by a page and stops at the total', () => {
    let shown = GALLERY_PAGE_SIZE;
    shown = showMore(shown, items.length);
    expect(shown).toBe(120);
    shown = showMore(shown, items.length);
    expect(shown).toBe(150);
    const page = newestPage(items, shown);
    expect(page.remaining).toBe(0);
    expect(page.items.at(-1)).toBe(0);
  });

  it('clamps odd values and handles short lists', () => {
    expect(newestPage([1, 2, 3], 60)).toEqual({ items: [3, 2, 1], remaining: 0 });
    expect(newestPage([1, 2, 3], -5)).toEqual({ items: [], remaining: 3 });
    expect(newestPage([], 60)).toEqual({ items: [], remaining: 0 });
    expect(showMore(-1, 10, 4)).toBe(4);
  });
});

describe('groupByPerson', () => {
  const r = (id: string, kind: string, person?: string) => ({ id, kind, ...(person !== undefined && { person }) });
  it('groups a page by person in the people’s order, older records as the default person, negatives ungrouped', () => {
    const all = [r('1', 'anchor'), r('2', 'anchor', 'bob'), r('3', 'anchor', 'me'), r('4', 'anchor', 'bob'), r('5', 'anchor', 'gone')];
    const page = [all[4]!, all[3]!, all[2]!]; // newest first, a page of 3
    const groups = groupByPerson(page, all, [{ id: 'me' }, { id: 'bob' }]);
    expect(groups.map((g) => [g.person, g.items.map((x) => x.id), g.total])).toEqual([
      ['me', ['3'], 2],
      ['bob', ['4'], 2],
      ['gone', ['5'], 1],
    ]);
    const negatives = [r('n1', 'negative'), r('n2', 'negative')];
    expect(groupByPerson(negatives, negatives, [{ id: 'me' }])).toEqual([{ person: null, items: negatives, total: 2 }]);
  });
});
