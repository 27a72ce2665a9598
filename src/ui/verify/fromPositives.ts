/**
 * "Use stored positives as verification images": copies a seeded random choice of positive
 * samples into the verification gallery (new records, same image blobs). No React.
 */
import { personOf, shuffled, type SampleRecord, type SampleStore } from '../../data';

/** Default number offered in the panel (the reference keeps about 50 verification images). */
export const DEFAULT_FROM_POSITIVES = 50;

/** `count` records chosen at random (seeded), in their stored order; all of them if fewer. */
export function pickSamples(records: readonly SampleRecord[], count: number, seed: number): SampleRecord[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count ${count} is not a non-negative integer`);
  if (count >= records.length) return [...records];
  const chosen = new Set(shuffled(records, seed).slice(0, count));
  return records.filter((r) => chosen.has(r));
}

/**
 * Copies `count` stored positives (capped by how many there are) into verification samples, in one
 * transaction; each copy keeps the original's source, size, label, name and capture time (so that
 * copies of captures taken far apart do not look like one moment to `spreadAdvice`). Returns the
 * new records. With `person`, only that person's positives, and the copies are theirs too.
 */
export async function copyPositivesToVerification(
  store: SampleStore,
  count: number,
  seed: number,
  person?: string,
): Promise<SampleRecord[]> {
  const stored = await store.listSamples('positive');
  const picked = pickSamples(person === undefined ? stored : stored.filter((r) => personOf(r) === person), count, seed);
  if (picked.length === 0) return [];
  const blobs = await store.getSampleBlobs(picked.map((r) => r.id));
  const items = picked.flatMap((r, i) => {
    const blob = blobs[i];
    if (!blob) return []; // deleted meanwhile
    const { source, width, height, label, name, createdAt } = r;
    return [
      {
        blob,
        meta: {
          kind: 'verification' as const,
          source,
          width,
          height,
          createdAt,
          ...(label !== undefined ? { label } : {}),
          ...(name !== undefined ? { name } : {}),
          ...(personOf(r) !== null ? { person: personOf(r)! } : {}),
        },
      },
    ];
  });
  return store.addSamples(items);
}
