import { useEffect, useState } from 'react';
import { getSampleStore, getSettingsStore } from '../../data';
import { countPeople, type PersonCounts } from './readiness';

/**
 * The stored anchors and positives per person (countPeople), re-read whenever the samples change
 * (`version`, SamplesContext), with the people setting's names. Undefined until read, or when
 * reading fails: the readiness check then counts everyone as one person (the galleries report the
 * failure).
 */
export function usePeopleCounts(version: number): readonly PersonCounts[] | undefined {
  const [people, setPeople] = useState<readonly PersonCounts[] | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const store = getSampleStore();
    Promise.all([store.listSamples('anchor'), store.listSamples('positive'), getSettingsStore().get('people')])
      .then(([anchors, positives, settings]) => live && setPeople(countPeople([...anchors, ...positives], settings.list)))
      .catch(() => live && setPeople(undefined));
    return () => {
      live = false;
    };
  }, [version]);
  return people;
}
