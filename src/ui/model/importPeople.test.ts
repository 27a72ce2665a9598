import { describe, expect, it } from 'vitest';
import type { PeopleSettings } from '../../data';
import { mergeModelPeople, parseModelPeople } from '../../model';
import { importedPeopleNote, listNames } from './importPeople';

const here = (list: PeopleSettings['list']): PeopleSettings => ({ list, current: list[0]!.id, margin: 0.25 });

describe('listNames', () => {
  it('joins names as a sentence does', () => {
    expect(listNames([])).toBe('');
    expect(listNames(['Me'])).toBe('Me');
    expect(listNames(['Me', 'Ann'])).toBe('Me and Ann');
    expect(listNames(['Me', 'Ann', 'Bob'])).toBe('Me, Ann and Bob');
  });
});

describe('importedPeopleNote', () => {
  it('says nothing when everyone in the file is here already (an older file included)', () => {
    const people = here([
      { id: 'me', name: 'Me' },
      { id: 'p-1', name: 'Ann' },
    ]);
    expect(importedPeopleNote(mergeModelPeople(people, [{ id: 'p-1', name: 'Ann' }]))).toBeNull();
    expect(importedPeopleNote(mergeModelPeople(people, parseModelPeople(undefined)))).toBeNull();
  });

  it('names whom the model was trained for, who was added, and that they need verification images', () => {
    const merge = mergeModelPeople(here([{ id: 'me', name: 'Me' }]), [
      { id: 'me', name: 'Me' },
      { id: 'p-2', name: 'Bob' },
    ]);
    expect(importedPeopleNote(merge)).toBe(
      'It was trained for Me and Bob. Bob was added to the people, with no images: capture verification images for Bob before they can be granted access.',
    );
  });

  it('says under which name a person was added when theirs was taken', () => {
    const merge = mergeModelPeople(
      here([
        { id: 'me', name: 'Me' },
        { id: 'p-1', name: 'Ann' },
      ]),
      [
        { id: 'p-9', name: 'Ann' },
        { id: 'p-2', name: 'Bob' },
        { id: 'p-3', name: 'Cy' },
      ],
    );
    expect(importedPeopleNote(merge)).toBe(
      'It was trained for Ann (2), Bob and Cy. Ann (2) (“Ann” in the file; another person here has that name), Bob and Cy were added to the people, ' +
        'with no images: capture verification images for each of them before they can be granted access.',
    );
  });
});
