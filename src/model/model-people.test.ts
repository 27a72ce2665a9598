import { describe, expect, it } from 'vitest';
import { DEFAULT_PEOPLE, validatePeopleSettings, type PeopleSettings } from '../data';
import { LEGACY_MODEL_PEOPLE, mergeModelPeople, modelPeopleOf, parseModelPeople } from './model-people';

const settings = (list: PeopleSettings['list'], current = list[0]!.id): PeopleSettings => ({ list, current, margin: 0.3 });

describe('parseModelPeople', () => {
  it('reads a file without people as trained for the default person "Me"', () => {
    expect(parseModelPeople(undefined)).toEqual([{ id: 'me', name: 'Me' }]);
    expect(LEGACY_MODEL_PEOPLE).toEqual(DEFAULT_PEOPLE.list.map(({ id, name }) => ({ id, name })));
  });

  it('keeps ids and names only, names tidied as the people setting keeps them', () => {
    const raw = [
      { id: 'me', name: 'Me', thresholds: { verificationThreshold: 0.9 }, photo: 'x' },
      { id: 'p-abc123', name: '  Ann   Lee ' },
    ];
    expect(parseModelPeople(raw)).toEqual([
      { id: 'me', name: 'Me' },
      { id: 'p-abc123', name: 'Ann Lee' },
    ]);
  });

  it('refuses anything else, naming what is wrong', () => {
    expect(() => parseModelPeople(null)).toThrow(/not a list of at least one person/);
    expect(() => parseModelPeople({ id: 'me', name: 'Me' })).toThrow(/not a list/);
    expect(() => parseModelPeople([])).toThrow(/at least one person/);
    expect(() => parseModelPeople(['Ann'])).toThrow(/person 1 of people \("Ann"\) is not \{ id, name \}/);
    expect(() =>
      parseModelPeople([
        { id: 'me', name: 'Me' },
        { id: 7, name: 'Ann' },
      ]),
    ).toThrow(/person 2 of people/);
    expect(() => parseModelPeople([{ id: '', name: 'Ann' }])).toThrow(/id of 0 characters/);
    expect(() => parseModelPeople([{ id: 'x'.repeat(65), name: 'Ann' }])).toThrow(/id of 65 characters/);
    expect(() => parseModelPeople([{ id: 'a', name: '   ' }])).toThrow(/name of 0 characters/);
    expect(() => parseModelPeople([{ id: 'a', name: 'n'.repeat(41) }])).toThrow(/name of 41 characters \(1–40\)/);
    expect(() =>
      parseModelPeople([
        { id: 'a', name: 'Ann' },
        { id: 'a', name: 'Bob' },
      ]),
    ).toThrow(/the id "a" twice/);
  });

  it('reads back what modelPeopleOf writes', () => {
    const list = [
      { id: 'me', name: 'Me', thresholds: { detectionThreshold: 0.2 } },
      { id: 'p-1', name: 'Ann' },
    ];
    const written = modelPeopleOf(list);
    expect(written).toEqual([
      { id: 'me', name: 'Me' },
      { id: 'p-1', name: 'Ann' },
    ]);
    expect(parseModelPeople(JSON.parse(JSON.stringify(written)))).toEqual(written);
  });
});

describe('mergeModelPeople', () => {
  it('changes nothing when every person of the file is here (by id; the name here is kept)', () => {
    const here = settings([
      { id: 'me', name: 'Me' },
      { id: 'p-1', name: 'Ann', thresholds: { verificationThreshold: 0.8 } },
    ]);
    const merge = mergeModelPeople(here, [{ id: 'p-1', name: 'Annie' }]);
    expect(merge.added).toEqual([]);
    expect(merge.people).toBe(here);
    expect(merge.trainedFor).toEqual([here.list[1]]);
    // An older file (no people) on an app that still has "Me".
    expect(mergeModelPeople(here, parseModelPeople(undefined)).added).toEqual([]);
  });

  it("appends the file's unknown people with its names; whom captures go to and the margin stay", () => {
    const here = settings(
      [
        { id: 'me', name: 'Me' },
        { id: 'p-1', name: 'Ann' },
      ],
      'p-1',
    );
    const merge = mergeModelPeople(here, [
      { id: 'p-2', name: 'Bob' },
      { id: 'me', name: 'Me' },
      { id: 'p-3', name: 'Cy' },
    ]);
    expect(merge.added).toEqual([
      { person: { id: 'p-2', name: 'Bob' }, fileName: 'Bob' },
      { person: { id: 'p-3', name: 'Cy' }, fileName: 'Cy' },
    ]);
    expect(merge.people).toEqual({
      list: [
        { id: 'me', name: 'Me' },
        { id: 'p-1', name: 'Ann' },
        { id: 'p-2', name: 'Bob' },
        { id: 'p-3', name: 'Cy' },
      ],
      current: 'p-1',
      margin: 0.3,
    });
    expect(merge.trainedFor.map((p) => p.name)).toEqual(['Bob', 'Me', 'Cy']);
    expect(here.list).toHaveLength(2);
    // The result is a valid people setting, unchanged by the setting's own validation.
    expect(validatePeopleSettings(merge.people)).toEqual(merge.people);
  });

  it('suffixes a name that another person here (or earlier in the file) has, case-insensitively', () => {
    const here = settings([
      { id: 'me', name: 'Me' },
      { id: 'p-1', name: 'Ann' },
      { id: 'p-2', name: 'ann (2)' },
    ]);
    const merge = mergeModelPeople(here, [
      { id: 'p-9', name: 'ANN' },
      { id: 'p-8', name: 'Ann' },
      { id: 'p-7', name: 'Bob' },
      { id: 'x', name: 'Me' },
    ]);
    expect(merge.added.map((a) => [a.person.id, a.person.name, a.fileName])).toEqual([
      ['p-9', 'ANN (3)', 'ANN'],
      ['p-8', 'Ann (4)', 'Ann'],
      ['p-7', 'Bob', 'Bob'],
      ['x', 'Me (2)', 'Me'],
    ]);
    expect(validatePeopleSettings(merge.people).list).toHaveLength(7);
  });

  it('shortens a long name so that its suffix fits the longest name allowed', () => {
    const long = 'A'.repeat(40);
    const merge = mergeModelPeople(settings([{ id: 'me', name: long }]), [{ id: 'p-1', name: long.toLowerCase() }]);
    expect(merge.added[0]!.person.name).toBe(`${'a'.repeat(36)} (2)`);
    expect(merge.added[0]!.person.name).toHaveLength(40);
    expect(() => validatePeopleSettings(merge.people)).not.toThrow();
  });

  it('adds "Me" back for an older file when the default person was deleted here', () => {
    const here = settings([{ id: 'p-1', name: 'Ann' }]);
    const merge = mergeModelPeople(here, parseModelPeople(undefined));
    expect(merge.added).toEqual([{ person: { id: 'me', name: 'Me' }, fileName: 'Me' }]);
    expect(merge.people.list.map((p) => p.id)).toEqual(['p-1', 'me']);
  });
});
