/**
 * People over the two stores: the first start after the update that brought people, and deleting
 * a person with their samples.
 */
import { DEFAULT_PEOPLE, DEFAULT_PERSON_ID, personOf, type PeopleSettings } from './people';
import type { SampleStore } from './samples';
import type { SettingsStore } from './storage';

/**
 * On the first start after the update (no `people` setting stored yet): every anchor, positive and
 * verification image stored before becomes the default person's ("Me"), then the default list is
 * stored. Samples first: if the page closes in between, the next start does it again (it only
 * gives unowned records an owner), and nothing is lost either way. Returns how many records got
 * an owner.
 */
export async function migrateToPeople(samples: SampleStore, settings: SettingsStore): Promise<number> {
  if (await settings.has('people')) return 0;
  const unowned = (await samples.listSamples()).filter((r) => r.kind !== 'negative' && r.person === undefined).map((r) => r.id);
  await samples.setPerson(unowned, DEFAULT_PERSON_ID);
  await settings.set('people', DEFAULT_PEOPLE);
  return unowned.length;
}

/**
 * Deletes a person and every anchor, positive and verification image of theirs. The last person
 * cannot be deleted (the app always captures for someone). Samples go first, so a failure leaves
 * the person listed and nothing half-done that the UI cannot show. Returns the new setting and
 * how many samples were deleted.
 */
export async function deletePerson(
  samples: SampleStore,
  settings: SettingsStore,
  id: string,
): Promise<{ readonly people: PeopleSettings; readonly deleted: number }> {
  const people = await settings.get('people');
  if (!people.list.some((p) => p.id === id)) throw new TypeError(`No person with id ${JSON.stringify(id)}`);
  if (people.list.length === 1) throw new TypeError('The last person cannot be deleted: add another person first');
  const theirs = (await samples.listSamples()).filter((r) => personOf(r) === id).map((r) => r.id);
  await samples.deleteSamples(theirs);
  const list = people.list.filter((p) => p.id !== id);
  const next: PeopleSettings = { ...people, list, current: people.current === id ? list[0]!.id : people.current };
  await settings.set('people', next);
  return { people: next, deleted: theirs.length };
}
