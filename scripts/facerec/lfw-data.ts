/**
 * The LFW files the pipeline reads (../shared/data, see its README.md): the official View 1 split
 * of people (people-dev-train.tsv, people-dev-test.tsv), the pairs files, and the photos on disk
 * (some people of the split are absent; only photos that exist are used).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { shuffled } from '../../src/data';

export interface PairRow {
  readonly left: string;
  readonly right: string;
  readonly same: boolean;
}

/** Names of a people file (header `name\timages`). */
export async function readPeople(file: string): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.split('\t')[0] !== 'name') throw new Error(`${file}: expected the header "name<TAB>images"`);
  return lines.slice(1).map((l) => l.split('\t')[0]!);
}

/** Rows of a pairs file (header `left\tright\tsame`). */
export async function readPairs(file: string): Promise<PairRow[]> {
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0] !== 'left\tright\tsame') throw new Error(`${file}: expected the header "left<TAB>right<TAB>same"`);
  return lines.slice(1).map((l) => {
    const [left, right, same] = l.split('\t');
    if (!left || !right || (same !== '0' && same !== '1')) throw new Error(`${file}: bad line "${l}"`);
    return { left, right, same: same === '1' };
  });
}

/**
 * The photos on disk of each person (`<Person>/<file>.jpg`, sorted), at most `maxPerPerson` of
 * each (a seeded choice where there are more), people with fewer than `minPhotos` left out.
 */
export async function photosOfPeople(
  lfwDir: string,
  people: readonly string[],
  minPhotos: number,
  maxPerPerson: number,
  seed: number,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const [i, name] of people.entries()) {
    const dir = path.join(lfwDir, name);
    if (!existsSync(dir)) continue;
    const files = (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.jpg')).sort();
    if (files.length < minPhotos) continue;
    const chosen =
      files.length > maxPerPerson
        ? shuffled(files, seed + i)
            .slice(0, maxPerPerson)
            .sort()
        : files;
    out.set(
      name,
      chosen.map((f) => `${name}/${f}`),
    );
  }
  return out;
}
