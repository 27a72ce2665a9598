#!/usr/bin/env node
/**
 * Builds the bundled negative pack in public/negatives/ from the shared LFW photos:
 *
 *   node scripts/build-negatives.mjs [--count 1200] [--seed 42] [--per-person 2] [--size 100]
 *                                    [--lfw ../shared/data] [--out public/negatives]
 *
 * Only people of the official View 1 *training* split (lfw-meta/people-dev-train.tsv) are used;
 * the test split's people (people-dev-test.tsv) are checked to be absent, so measuring on them
 * stays fair. People are taken in a seeded shuffle, up to --per-person photos each (also a seeded
 * choice), until --count faces. Each photo is prepared the way training uses it: the import crop
 * rule (importSquare: an LFW photo is 250×250 and face-centred, so the whole photo), a bilinear
 * resize to --size (half-pixel centres) and a JPEG encode (quality 90), all with the same code as
 * the app's Node codec (src/data/test-support/node-codec.ts, loaded through Vite's module runner).
 *
 * Output: lfw-negatives.tar (uncompressed: JPEGs do not compress; members lfw/<Name>/<Name>_NNNN.jpg
 * with fixed metadata) and manifest.json. The same arguments give byte-identical files.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { packTar } from 'modern-tar';
import { runnerImport } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '1200' },
    seed: { type: 'string', default: '42' },
    'per-person': { type: 'string', default: '2' },
    size: { type: 'string', default: '100' },
    quality: { type: 'string', default: '0.9' },
    lfw: { type: 'string', default: path.resolve(root, '../shared/data') },
    out: { type: 'string', default: path.join(root, 'public/negatives') },
  },
});
const count = Number(args.count);
const seed = Number(args.seed);
const perPerson = Number(args['per-person']);
const size = Number(args.size);
const quality = Number(args.quality);
for (const [k, v] of Object.entries({ count, seed, perPerson, size })) {
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${k} = ${v}: expected a non-negative integer`);
}

const load = async (id) => (await runnerImport(path.join(root, id), { configFile: false, logLevel: 'error', root })).module;
const { shuffled, deriveSeed } = await load('src/data/random.ts');
const { cropEncodeJpeg } = await load('src/data/test-support/node-codec.ts');

/** Names of a people-*.tsv (header `name\timages`). */
async function readPeople(file) {
  const lines = (await readFile(file, 'utf8')).split('\n').slice(1).filter((l) => l.trim() !== '');
  return lines.map((l) => l.split('\t')[0]);
}

const t0 = performance.now();
const trainPeople = (await readPeople(path.join(args.lfw, 'lfw-meta/people-dev-train.tsv'))).sort();
const testPeople = new Set(await readPeople(path.join(args.lfw, 'lfw-meta/people-dev-test.tsv')));
const overlap = trainPeople.filter((p) => testPeople.has(p));
if (overlap.length > 0) throw new Error(`people-dev-train and people-dev-test share ${overlap.join(', ')}`);

const chosen = []; // { person, file }
const order = shuffled(trainPeople, seed);
for (let i = 0; i < order.length && chosen.length < count; i++) {
  const person = order[i];
  const photos = (await readdir(path.join(args.lfw, 'lfw', person))).filter((f) => f.endsWith('.jpg')).sort();
  const picks = shuffled(photos, deriveSeed(seed, i)).slice(0, Math.min(perPerson, count - chosen.length));
  for (const file of picks.sort()) chosen.push({ person, file });
}
if (chosen.length < count) throw new Error(`only ${chosen.length} photos available, --count ${count}`);
chosen.sort((a, b) => (a.person < b.person ? -1 : a.person > b.person ? 1 : a.file < b.file ? -1 : 1));

const mtime = new Date(0);
const entries = [];
for (const { person, file } of chosen) {
  const name = `lfw/${person}/${file}`;
  const { bytes, side } = cropEncodeJpeg(await readFile(path.join(args.lfw, name)), name, { maxSize: size, quality });
  if (side !== size) throw new Error(`${name}: crop side ${side}, expected ${size}`);
  entries.push({ header: { name, size: bytes.byteLength, mtime, mode: 0o644, uid: 0, gid: 0, type: 'file' }, body: bytes });
}
const tar = await packTar(entries);
const people = new Set(chosen.map((c) => c.person)).size;

const manifest = {
  format: 'siamese-face-id/negatives',
  version: `1-${createHash('sha256').update(tar).digest('hex').slice(0, 16)}`,
  file: 'lfw-negatives.tar',
  bytes: tar.byteLength,
  sha256: createHash('sha256').update(tar).digest('hex'),
  count: chosen.length,
  people,
  imageSize: size,
  jpegQuality: quality,
  selection: {
    split: 'people-dev-train.tsv (LFW View 1 training people only; no people-dev-test.tsv person)',
    seed,
    maxPerPerson: perPerson,
    rule: 'people in a seeded shuffle (mulberry32, src/data/random.ts), up to maxPerPerson photos each, seeded choice',
  },
  preparation: `importSquare crop (whole 250×250 photo), bilinear resize to ${size}×${size} (half-pixel centres), JPEG quality ${Math.round(quality * 100)}`,
  source: 'Labeled Faces in the Wild, deep-funneled images (http://vis-www.cs.umass.edu/lfw/)',
  licence:
    'LFW is a public research benchmark; the photos were collected from news images on the web and keep their owners’ rights. ' +
    'It must not be taken as evidence that a face-recognition method is fit for commercial use (see the LFW disclaimer).',
  citation: [
    'Gary B. Huang, Manu Ramesh, Tamara Berg, Erik Learned-Miller. Labeled Faces in the Wild: A Database for Studying Face Recognition in Unconstrained Environments. University of Massachusetts, Amherst, Technical Report 07-49, October 2007.',
    'Gary B. Huang, Marwan Mattar, Honglak Lee, Erik Learned-Miller. Learning to Align from Scratch. Advances in Neural Information Processing Systems (NIPS), 2012.',
  ],
};

await mkdir(args.out, { recursive: true });
await writeFile(path.join(args.out, manifest.file), tar);
await writeFile(path.join(args.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `${manifest.count} faces of ${people} people → ${path.relative(root, path.join(args.out, manifest.file))} ` +
    `(${(tar.byteLength / 1e6).toFixed(2)} MB), version ${manifest.version}, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
