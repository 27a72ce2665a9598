/**
 * What the Model panel says about the people of an imported model file. Pure: no React.
 */
import type { ModelPeopleMerge } from '../../model';

/** "A", "A and B", "A, B and C". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

/**
 * The sentences an import adds when its file brought people this app did not know: whom the model
 * was trained for, who was added (and under which name, when theirs was taken), and that the
 * added people need verification images before they can be granted. Null when everyone in the
 * file is here already: nothing to say.
 */
export function importedPeopleNote(merge: Pick<ModelPeopleMerge, 'trainedFor' | 'added'>): string | null {
  const { added } = merge;
  if (added.length === 0) return null;
  const who = listNames(
    added.map((a) =>
      a.person.name === a.fileName ? a.person.name : `${a.person.name} (“${a.fileName}” in the file; another person here has that name)`,
    ),
  );
  const need =
    added.length === 1
      ? `${who} was added to the people, with no images: capture verification images for ${added[0]!.person.name} before they can be granted access.`
      : `${who} were added to the people, with no images: capture verification images for each of them before they can be granted access.`;
  return `It was trained for ${listNames(merge.trainedFor.map((p) => p.name))}. ${need}`;
}
