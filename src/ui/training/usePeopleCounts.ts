import { useMemo } from 'react';
import { usePeople } from '../people/PeopleContext';
import { countPeople, type PersonCounts } from './readiness';

/**
 * The anchors and positives per person with their names, from the People context (which re-reads
 * them whenever the samples change). Undefined until the people were read: the readiness check
 * then counts everyone as one person.
 */
export function usePeopleCounts(): readonly PersonCounts[] | undefined {
  const { loaded, people, counts } = usePeople();
  return useMemo(() => (loaded ? countPeople(counts, people.list) : undefined), [loaded, people.list, counts]);
}
