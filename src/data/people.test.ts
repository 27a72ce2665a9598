import 'fake-indexeddb/auto';
import { createStore, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { checkPersonName, DEFAULT_PEOPLE, newPersonId, personOf, validatePeopleSettings } from './people';
import { deletePerson, migrateToPeople } from './people-store';
import { createRng } from './random';
import { createSampleStore, type SampleMeta } from './samples';
import { createSettingsStore } from './storage';

let dbCount = 0;
const fresh = (what: string) => createStore(`test-people-${what}-${++dbCount}`, what);
const jpeg = (n: number) => new Blob([new Uint8Array(n).fill(7)], { type: 'image/jpeg' });
const meta = (kind: SampleMeta['kind'], extra: Partial<SampleMeta> = {}): SampleMeta => ({
  kind,
  source: 'webcam',
  width: 250,
  height: 250,
  ...extra,
});

describe('people settings', () => {
  it('reads the default person "Me" from a store without people, and a damaged value as the default', async () => {
    const settingsDb = fresh('settings');
    const settings = createSettingsStore(settingsDb);
    expect(await settings.has('people')).toBe(false);
    expect(await settings.get('people')).toEqual(DEFAULT_PEOPLE);
    await set('people', { list: [], current: 'x' }, settingsDb);
    expect(await settings.has('people')).toBe(true);
    expect(await settings.get('people')).toEqual(DEFAULT_PEOPLE);
  });

  it('validates: unique ids, current among them (else the first), margin 0–1, thresholds 0–1', () => {
    const list = [
      { id: 'a', name: ' Ann ' },
      { id: 'b', name: 'Bob', thresholds: { verificationThreshold: 0.7 } },
    ];
    expect(validatePeopleSettings({ list, current: 'zz', margin: 0.1 })).toEqual({
      list: [{ id: 'a', name: 'Ann' }, list[1]],
      current: 'a',
      margin: 0.1,
    });
    expect(validatePeopleSettings({ list, current: 'b' }).margin).toBe(DEFAULT_PEOPLE.margin);
    expect(() => validatePeopleSettings({ list: [list[0], list[0]], current: 'a', margin: 0 })).toThrow(/share an id/);
    expect(() => validatePeopleSettings({ list, current: 'a', margin: 1.5 })).toThrow(/margin/);
    expect(() => validatePeopleSettings({ list: [{ id: 'a', name: 'A', thresholds: { detectionThreshold: 2 } }], current: 'a' })).toThrow(
      /detection threshold/,
    );
  });

  it('checks names: trimmed, not empty, not too long, not another person’s (any case)', () => {
    const list = [{ id: 'a', name: 'Ann' }];
    expect(checkPersonName('  Bob   Smith ', list)).toBe('Bob Smith');
    expect(() => checkPersonName('   ', list)).toThrow(/needs a name/);
    expect(() => checkPersonName('x'.repeat(41), list)).toThrow(/at most 40/);
    expect(() => checkPersonName('ann', list)).toThrow(/already a person/);
    expect(checkPersonName('ANN', list, 'a')).toBe('ANN');
  });

  it('makes ids unique among the list', () => {
    const rng = createRng(1);
    const first = newPersonId([], createRng(1));
    expect(newPersonId([{ id: first, name: 'x' }], rng)).not.toBe(first);
  });

  it('says whose a sample is: its person, the default person for older records, nobody for negatives', () => {
    expect(personOf({ kind: 'anchor', person: 'p-1' })).toBe('p-1');
    expect(personOf({ kind: 'verification' })).toBe('me');
    expect(personOf({ kind: 'negative', person: 'p-1' })).toBeNull();
  });
});

describe('migration to people', () => {
  it('gives every sample stored before people existed to "Me" on the first start, loses nothing, and runs once', async () => {
    const samples = createSampleStore(fresh('samples'));
    const settings = createSettingsStore(fresh('settings'));
    // A one-person store as the previous version wrote it: no person on any record.
    const old = await samples.addSamples([
      { blob: jpeg(10), meta: meta('anchor') },
      { blob: jpeg(11), meta: meta('positive') },
      { blob: jpeg(12), meta: meta('verification') },
      { blob: jpeg(13), meta: meta('negative', { source: 'bundled', id: 'bundled:n1' }) },
    ]);
    expect(old.every((r) => r.person === undefined)).toBe(true);

    expect(await migrateToPeople(samples, settings)).toBe(3);
    const after = await samples.listSamples();
    expect(after.map((r) => r.id).sort()).toEqual(old.map((r) => r.id).sort());
    expect(after.filter((r) => r.kind !== 'negative').every((r) => r.person === 'me')).toBe(true);
    expect(after.find((r) => r.kind === 'negative')!.person).toBeUndefined();
    for (const r of old) expect((await samples.getSampleBlob(r.id))!.size).toBe(r.bytes);
    expect(await settings.get('people')).toEqual(DEFAULT_PEOPLE);

    // Later starts change nothing, even for a record without a person.
    await samples.addSample(jpeg(14), meta('anchor'));
    expect(await migrateToPeople(samples, settings)).toBe(0);
  });

  it('keeps people of records that have one', async () => {
    const samples = createSampleStore(fresh('samples'));
    const settings = createSettingsStore(fresh('settings'));
    await samples.addSample(jpeg(10), meta('anchor', { person: 'p-x' }));
    await migrateToPeople(samples, settings);
    expect((await samples.listSamples())[0]!.person).toBe('p-x');
  });
});

describe('deleting a person', () => {
  it('removes their samples and them, keeps everyone else’s and the negatives, and moves captures to the first person', async () => {
    const samples = createSampleStore(fresh('samples'));
    const settings = createSettingsStore(fresh('settings'));
    await settings.set('people', { list: [DEFAULT_PEOPLE.list[0]!, { id: 'b', name: 'Bob' }], current: 'b', margin: 0.2 });
    await samples.addSamples([
      { blob: jpeg(10), meta: meta('anchor') },
      { blob: jpeg(11), meta: meta('anchor', { person: 'b' }) },
      { blob: jpeg(12), meta: meta('verification', { person: 'b' }) },
      { blob: jpeg(13), meta: meta('negative', { source: 'bundled', id: 'bundled:n1' }) },
    ]);
    const { people, deleted } = await deletePerson(samples, settings, 'b');
    expect(deleted).toBe(2);
    expect(people).toEqual({ list: [DEFAULT_PEOPLE.list[0]], current: 'me', margin: 0.2 });
    expect(await settings.get('people')).toEqual(people);
    const left = await samples.listSamples();
    expect(left.map((r) => r.kind).sort()).toEqual(['anchor', 'negative']);
    await expect(deletePerson(samples, settings, 'me')).rejects.toThrow(/last person/);
    await expect(deletePerson(samples, settings, 'nobody')).rejects.toThrow(/No person/);
  });
});
