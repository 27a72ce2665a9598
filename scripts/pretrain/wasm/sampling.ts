/**
 * Pair sampling for the wasm pretraining run: fresh same-person and different-person pairs every
 * step, drawn from the people of people-dev-train.tsv only (the people the benchmark never tests
 * on). A step's pairs depend only on (seed, step), so a run resumed at step k draws exactly what an
 * uninterrupted run would have drawn there: no random state needs saving.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createRng, deriveSeed } from '../../../src/data';

/** One person's photos, relative to the LFW folder (`Name/Name_0001.jpg`), in filename order. */
export interface PersonPhotos {
  readonly name: string;
  readonly photos: readonly string[];
}

/** A training pair: photo paths relative to the LFW folder; label 1 = same person. */
export interface PhotoPair {
  readonly a: string;
  readonly b: string;
  readonly label: 0 | 1;
}

export class SamplingError extends Error {
  readonly code = 'bad-people';
  constructor(message: string) {
    super(message);
    this.name = 'SamplingError';
  }
}

/** Salt of the sampling seeds (steps are added to it), apart from the augmentation's. */
const SAMPLE_SALT = 0x1000_0000;

/**
 * Lists each named person's photos in an LFW-layout folder. People without a folder or photos are
 * skipped (LFW copies can lack a few); throws when fewer than two people or no person with two
 * photos remain, since then no pair of either kind can be drawn.
 */
export async function listPeople(lfwDir: string, names: readonly string[]): Promise<PersonPhotos[]> {
  const people: PersonPhotos[] = [];
  for (const name of names) {
    let files: string[];
    try {
      files = await readdir(path.join(lfwDir, name));
    } catch {
      continue;
    }
    const photos = files
      .filter((f) => /\.jpe?g$/i.test(f))
      .sort()
      .map((f) => `${name}/${f}`);
    if (photos.length > 0) people.push({ name, photos });
  }
  checkPeople(people);
  return people;
}

function checkPeople(people: readonly PersonPhotos[]): void {
  if (people.length < 2) throw new SamplingError(`Pretraining needs at least two people with photos; found ${people.length}`);
  if (!people.some((p) => p.photos.length >= 2))
    throw new SamplingError('Pretraining needs at least one person with two or more photos (for same-person pairs)');
}

/**
 * The pairs of one step: ⌈n/2⌉ same-person pairs (a person with ≥ 2 photos, two distinct photos)
 * and ⌊n/2⌋ different-person pairs (two distinct people, one photo each), people and photos drawn
 * uniformly with a generator seeded from (seed, step).
 */
export function stepPairs(people: readonly PersonPhotos[], seed: number, step: number, n: number): PhotoPair[] {
  checkPeople(people);
  if (!Number.isInteger(n) || n < 2) throw new SamplingError(`A step needs at least 2 pairs (got ${n})`);
  const rand = createRng(deriveSeed(seed, SAMPLE_SALT + step));
  const pick = (k: number) => Math.floor(rand() * k);
  const multi = people.filter((p) => p.photos.length >= 2);
  const pairs: PhotoPair[] = [];
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    const person = multi[pick(multi.length)]!;
    const first = pick(person.photos.length);
    const second = (first + 1 + pick(person.photos.length - 1)) % person.photos.length;
    pairs.push({ a: person.photos[first]!, b: person.photos[second]!, label: 1 });
  }
  for (let i = 0; i < Math.floor(n / 2); i++) {
    const first = pick(people.length);
    const second = (first + 1 + pick(people.length - 1)) % people.length;
    const [p, q] = [people[first]!, people[second]!];
    pairs.push({ a: p.photos[pick(p.photos.length)]!, b: q.photos[pick(q.photos.length)]!, label: 0 });
  }
  return pairs;
}
