import { useMemo } from 'react';
import { usePeople } from '../people/PeopleContext';
import type { PersonCounts } from './readiness';

/**
 * The anchors and positives per person with their names, from the People context (which re-reads
 * them whenever the samples change), in the people's order; people without any are left out.
 * Undefined until the people were read: the readiness check then counts everyone as one person.
 */
export function usePeopleCounts(): readonly PersonCounts[] | undefined {
  const { loaded, people, counts } = usePeople();
  return useMemo(() => {
    if (!loaded) return undefined;
    const ids = [...people.list.map((p) => p.id), ...[...counts.keys()].filter((id) => !people.list.some((p) => p.id === id))];
    return ids.flatMap((person) => {
      const c = counts.get(person);
      if (!c || c.anchor + c.positive === 0) return [];
      const name = people.list.find((p) => p.id === person)?.name;
      return [{ person, ...(name !== undefined && { name }), anchor: c.anchor, positive: c.positive }];
    });
  }, [loaded, people.list, counts]);
}
