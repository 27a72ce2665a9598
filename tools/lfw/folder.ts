/**
 * The face set on disk (LFW layout: <dir>/<Person>/<photo>.jpg): target people and their photo
 * split for the accuracy part, and the .tgz archive for the import part.
 */
import { createWriteStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { packTar, type FileSource } from 'modern-tar/fs';

const isPhoto = (f: string) => /\.(jpe?g|png)$/i.test(f);

/** Photos in an LFW-layout folder (every person's), without reading the photos. */
export async function countPhotos(dir: string): Promise<number> {
  const people = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory());
  let n = 0;
  for (const p of people) n += (await photosOf(dir, p.name)).length;
  return n;
}

/** A person's photo file names in filename order. */
export async function photosOf(dir: string, person: string): Promise<string[]> {
  return (await readdir(path.join(dir, person))).filter(isPhoto).sort();
}

/**
 * Names from a people file: a people TSV (first line `name<TAB>…`, names in the first column) or
 * a plain list, one name a line. Blank lines and lines starting with # are ignored.
 */
export async function readPeopleFile(file: string): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).map((l) => l.trim());
  const rows = lines.filter((l) => l !== '' && !l.startsWith('#'));
  const tsv = rows[0]?.split('\t')[0]?.toLowerCase() === 'name';
  return (tsv ? rows.slice(1) : rows).map((l) => l.split('\t')[0]!.trim()).filter((n) => n !== '');
}

/** A target person of the enrolment protocol and their photos' roles (file names, in filename order). */
export interface TargetPlan {
  readonly name: string;
  /** Photo file names, in filename order. */
  readonly anchors: readonly string[];
  readonly positives: readonly string[];
  readonly verification: readonly string[];
  readonly test: readonly string[];
}

/** Photo split of the enrolment protocol: 1–5 anchors, 6–10 positives, 11–15 verification, 16+ test. */
export const SPLIT = { anchors: [0, 5], positives: [5, 10], verification: [10, 15], testFrom: 15 } as const;

/**
 * Target people: those of the people file found in `dir` with at least `minPhotos` photos, in name
 * order, at most `maxPeople` (0 = all); of each, at most `maxTest` test photos (0 = all), the
 * first in filename order.
 */
export async function planTargets(
  dir: string,
  peopleFile: string,
  minPhotos: number,
  maxPeople: number,
  maxTest = 0,
): Promise<TargetPlan[]> {
  const names = [...new Set(await readPeopleFile(peopleFile))].sort();
  const out: TargetPlan[] = [];
  for (const name of names) {
    let photos: string[];
    try {
      photos = await photosOf(dir, name);
    } catch {
      continue; // not in this face set
    }
    if (photos.length < minPhotos) continue;
    out.push({
      name,
      anchors: photos.slice(...SPLIT.anchors),
      positives: photos.slice(...SPLIT.positives),
      verification: photos.slice(...SPLIT.verification),
      test: photos.slice(SPLIT.testFrom, maxTest > 0 ? SPLIT.testFrom + maxTest : undefined),
    });
    if (maxPeople > 0 && out.length >= maxPeople) break;
  }
  if (out.length < 2) {
    throw new Error(
      `${peopleFile}: ${out.length} people of ${dir} have ≥ ${minPhotos} photos; the accuracy part needs at least 2 (impostors are the other targets)`,
    );
  }
  return out;
}

export interface ArchiveInfo {
  readonly file: string;
  readonly images: number;
  readonly people: number;
  readonly bytes: number;
  readonly seconds: number;
}

/**
 * Writes an LFW-layout archive `lfw/<Person>/<photo>.jpg` (gzipped tar, like the official
 * lfw.tgz) of the first `limit` photos of `dir` in path order (0 = all).
 */
export async function buildArchive(dir: string, out: string, limit: number): Promise<ArchiveInfo> {
  const t0 = performance.now();
  const people = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const sources: FileSource[] = [];
  const used = new Set<string>();
  const mtime = new Date(0);
  for (const person of people) {
    for (const f of await photosOf(dir, person)) {
      if (limit > 0 && sources.length >= limit) break;
      sources.push({ type: 'file', source: path.join(dir, person, f), target: `lfw/${person}/${f}`, mtime, mode: 0o644 });
      used.add(person);
    }
    if (limit > 0 && sources.length >= limit) break;
  }
  if (sources.length === 0) throw new Error(`${dir} holds no photos in LFW layout`);
  await pipeline(packTar(sources), createGzip({ level: 6 }), createWriteStream(out));
  return { file: out, images: sources.length, people: used.size, bytes: (await stat(out)).size, seconds: (performance.now() - t0) / 1000 };
}
