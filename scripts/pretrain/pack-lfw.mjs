#!/usr/bin/env node
/**
 * Packs LFW photos for the GPU pretraining run (scripts/pretrain/pretrain_gpu.py).
 *
 * Each photo's crop is, with --crop face (default), the app's face crop of the photo, as an
 * imported photo or a photo of the bundled negatives gets it (tools/lfw/crop.ts: src/face
 * locateFace, short-range BlazeFace, the largest face, the crop rule's square, kept inside the
 * photo; the whole photo where no face is found, counted in the index), or with --crop photo the
 * whole 250×250 photo (what the shipped model was pretrained on). The square is resized to
 * 100×100 by the app's Node codec step (tools/codec cropResizeBilinear:
 * bilinear, half-pixel centres, as TF2's tf.image.resize and tf.image.resizeBilinear(…,
 * halfPixelCenters=true) do), re-encoded as a JPEG (quality 85, 4:4:4:
 * mean absolute error 2.6 of 255 against the resized pixels) and appended to one blob. Raw uint8
 * would be 30 KB a photo and quality 95 about 7 KB, too much for the device machine's 64 MiB
 * working-tree limit; quality 85 is about 4.2 KB, 43 MB for both packs.
 *
 *   train.bin / train.json  every photo of the people in people-dev-train.tsv (training only)
 *   test.bin  / test.json   the photos named in pairs-dev-test.tsv (evaluation only)
 *   pairs-dev-train.tsv, pairs-dev-test.tsv copied beside them
 *
 *   node scripts/pretrain/pack-lfw.mjs [--lfw ../shared/data] [--out .pretrain-data] [--size 100] [--quality 85] [--crop face|photo]
 *
 * The JSON index: { size, quality, crop, noFace: [path], images: [{ path, person, offset, length, square }], people: [name] },
 * `person` indexing `people`. People of people-dev-test.tsv never enter train.bin; the script
 * checks that the two splits share no person and that no test photo is packed for training.
 */
import { readFile, writeFile, mkdir, copyFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import jpeg from 'jpeg-js';
import { runnerImport } from 'vite';

const { values: args } = parseArgs({
  options: {
    lfw: { type: 'string', default: join(import.meta.dirname ?? '.', '..', '..', '..', 'shared', 'data') },
    out: { type: 'string', default: '.pretrain-data' },
    size: { type: 'string', default: '100' },
    quality: { type: 'string', default: '85' },
    limit: { type: 'string', default: '0' },
    crop: { type: 'string', default: 'face' },
  },
});
const root = resolve(import.meta.dirname ?? '.', '..', '..');
const load = async (id) => (await runnerImport(join(root, id), { configFile: false, logLevel: 'error', root })).module;
const lfwCrop = await load('tools/lfw/index.ts');
if (!lfwCrop.isPhotoCrop(args.crop)) throw new Error(`--crop ${args.crop}: expected ${lfwCrop.PHOTO_CROPS.join(' or ')}`);
if (args.crop === 'face') {
  // The detector runs on tf.js wasm, as in build-negatives.mjs.
  await (await load('tools/common/node-backend.ts')).useWasmBackend();
}
const cropper = await lfwCrop.createPhotoCropper(args.crop);
const { cropResizeBilinear } = await load('tools/codec/index.ts');
const { importSquare } = await load('src/data/index.ts');
const SIZE = Number(args.size);
const QUALITY = Number(args.quality);
const LIMIT = Number(args.limit); // > 0: pack only this many photos per file (for quick tests)
const lfwDir = join(args.lfw, 'lfw');
const metaDir = join(args.lfw, 'lfw-meta');

async function readTsv(name) {
  const text = await readFile(join(metaDir, name), 'utf8');
  const [header, ...rows] = text
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

async function packPhoto(relPath) {
  const raw = jpeg.decode(await readFile(join(lfwDir, relPath)), { useTArray: true });
  const square = (await cropper.square(relPath, raw)) ?? null;
  // The app's Node crop-and-resize step (bilinear, half-pixel centres), as build-negatives.mjs uses it.
  const { data } = cropResizeBilinear(raw, square ?? importSquare(raw.width, raw.height), SIZE);
  return { data: jpeg.encode({ data, width: SIZE, height: SIZE }, QUALITY).data, square };
}

async function pack(name, photos) {
  const list = LIMIT > 0 ? photos.slice(0, LIMIT) : photos;
  const people = [...new Set(list.map((p) => p.person))].sort();
  const personIndex = new Map(people.map((p, i) => [p, i]));
  const chunks = [];
  const images = [];
  let offset = 0;
  for (const [i, p] of list.entries()) {
    const { data, square } = await packPhoto(p.path);
    images.push({ path: p.path, person: personIndex.get(p.person), offset, length: data.length, square });
    chunks.push(data);
    offset += data.length;
    if ((i + 1) % 1000 === 0) console.log(`  ${name}: ${i + 1}/${list.length}`);
  }
  await writeFile(join(args.out, `${name}.bin`), Buffer.concat(chunks));
  const noFace = list.map((p) => p.path).filter((p) => cropper.noFace.has(p));
  await writeFile(
    join(args.out, `${name}.json`),
    JSON.stringify({ size: SIZE, quality: QUALITY, crop: args.crop, noFace, people, images }),
  );
  console.log(
    `${name}: ${images.length} photos of ${people.length} people, ${(offset / 2 ** 20).toFixed(1)} MiB; ${args.crop} crop, no face found in ${noFace.length}`,
  );
  return new Set(list.map((p) => p.path));
}

const photoPath = (person, n) => `${person}/${person}_${String(n).padStart(4, '0')}.jpg`;

const trainPeople = await readTsv('people-dev-train.tsv');
const testPeople = new Set((await readTsv('people-dev-test.tsv')).map((r) => r.name));
for (const r of trainPeople) {
  if (testPeople.has(r.name)) throw new Error(`${r.name} is in both people-dev-train.tsv and people-dev-test.tsv`);
}
const trainPhotos = [];
for (const r of trainPeople) {
  for (let n = 1; n <= Number(r.images); n++) {
    const path = photoPath(r.name, n);
    await stat(join(lfwDir, path)); // every listed photo must exist
    trainPhotos.push({ path, person: r.name });
  }
}
const pairsTest = await readTsv('pairs-dev-test.tsv');
const testPaths = [...new Set(pairsTest.flatMap((p) => [p.left, p.right]))].sort();
const testPhotos = testPaths.map((path) => {
  const person = path.split('/')[0];
  if (!testPeople.has(person)) throw new Error(`pairs-dev-test.tsv names ${path}, not a dev-test person`);
  return { path, person };
});

await mkdir(args.out, { recursive: true });
const packedTrain = await pack('train', trainPhotos);
await pack('test', testPhotos);
const pairsTrain = await readTsv('pairs-dev-train.tsv');
const missing = pairsTrain.flatMap((p) => [p.left, p.right]).filter((p) => !packedTrain.has(p));
if (LIMIT === 0 && missing.length > 0)
  throw new Error(`pairs-dev-train.tsv photos missing from train.bin: ${missing.slice(0, 3).join(', ')}`);
for (const f of ['pairs-dev-train.tsv', 'pairs-dev-test.tsv']) await copyFile(join(metaDir, f), join(args.out, f));
