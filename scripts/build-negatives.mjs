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
 * choice), until --count faces.
 *
 * Each photo is cropped by the rule the app's capture and import use (matched negatives): the
 * BlazeFace detector and crop rule of DEFAULT_FACE_CONFIG (short range, the largest face with a
 * score ≥ 0.5, a square of marginFactor × its box side around its keypoint centre), run through
 * src/face locateFace exactly as an import is: the 250×250 photo pasted 1:1 in the middle of a grey
 * 640×480 frame (where FACE_CROP_RULES was measured), the square kept inside the photo. Photos where
 * no face is found are skipped and counted. The crop is resized bilinearly to --size (half-pixel
 * centres) and JPEG-encoded (quality 90) by the app's Node codec steps
 * (tools/codec). All app modules are loaded through Vite's module
 * runner; the detector runs on tf.js's wasm backend.
 *
 * Output: lfw-negatives.tar (uncompressed: JPEGs do not compress; members lfw/<Name>/<Name>_NNNN.jpg
 * with fixed metadata) and manifest.json. The same arguments give the same files (crop squares are
 * whole pixels, so float differences between machines would have to move a rounding to show).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { packTar } from 'modern-tar';
import { runnerImport } from 'vite';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** Pack format generation: bump when the preparation changes, so browsers replace their copy. */
const PACK_GENERATION = 2;

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
const { shuffled, deriveSeed, locatingCodec } = await load('src/data/index.ts');
const { createNodeSquareCodec } = await load('tools/codec/index.ts');
const { DEFAULT_FACE_CONFIG } = await load('src/config/index.ts');
const { createFaceDetector, locateFace, LOCATE_FRAME } = await load('src/face/index.ts');
const { fileModelHandler, faceModelPath } = await load('tools/lfw/index.ts');

await tf.setBackend('wasm');
await tf.ready();
const faceConfig = DEFAULT_FACE_CONFIG;
const detector = await createFaceDetector({ ...faceConfig, model: fileModelHandler(faceModelPath(faceConfig.variant)) });
let clamped = 0;
const codec = locatingCodec(createNodeSquareCodec({ maxSize: size, quality }), async (image) => {
  const crop = await locateFace(detector, image, faceConfig);
  if (crop?.square.clamped) clamped++;
  return crop?.square ?? null;
});

/** Names of a people-*.tsv (header `name\timages`). */
async function readPeople(file) {
  const lines = (await readFile(file, 'utf8'))
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '');
  return lines.map((l) => l.split('\t')[0]);
}

const t0 = performance.now();
const trainPeople = (await readPeople(path.join(args.lfw, 'lfw-meta/people-dev-train.tsv'))).sort();
const testPeople = new Set(await readPeople(path.join(args.lfw, 'lfw-meta/people-dev-test.tsv')));
const overlap = trainPeople.filter((p) => testPeople.has(p));
if (overlap.length > 0) throw new Error(`people-dev-train and people-dev-test share ${overlap.join(', ')}`);

// Candidates in a seeded order: people shuffled, up to perPerson photos each (a seeded choice).
const candidates = []; // { person, file }
const order = shuffled(trainPeople, seed);
for (let i = 0; i < order.length; i++) {
  const person = order[i];
  const photos = (await readdir(path.join(args.lfw, 'lfw', person))).filter((f) => f.endsWith('.jpg')).sort();
  for (const file of shuffled(photos, deriveSeed(seed, i)).slice(0, perPerson).sort()) candidates.push({ person, file });
}

// Crop candidates in that order until `count` faces; photos with no face are skipped.
const chosen = []; // { person, file, name, bytes }
const skipped = [];
for (const { person, file } of candidates) {
  if (chosen.length >= count) break;
  const name = `lfw/${person}/${file}`;
  const image = await codec.decodeCropEncode(new Uint8Array(await readFile(path.join(args.lfw, name))), name);
  if (image === null) {
    skipped.push(name);
    continue;
  }
  if (image.width !== size) throw new Error(`${name}: crop side ${image.width}, expected ${size}`);
  chosen.push({ person, file, name, bytes: new Uint8Array(await image.blob.arrayBuffer()) });
}
detector.dispose();
if (chosen.length < count) throw new Error(`only ${chosen.length} faces found in ${candidates.length} photos, --count ${count}`);
chosen.sort((a, b) => (a.person < b.person ? -1 : a.person > b.person ? 1 : a.file < b.file ? -1 : 1));

const mtime = new Date(0);
const entries = chosen.map(({ name, bytes }) => ({
  header: { name, size: bytes.byteLength, mtime, mode: 0o644, uid: 0, gid: 0, type: 'file' },
  body: bytes,
}));
const tar = await packTar(entries);
const people = new Set(chosen.map((c) => c.person)).size;

const manifest = {
  format: 'siamese-face-id/negatives',
  version: `${PACK_GENERATION}-${createHash('sha256').update(tar).digest('hex').slice(0, 16)}`,
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
  cropRule: {
    detector: `BlazeFace ${faceConfig.variant} range (public/models/face-detector), tf.js wasm backend`,
    variant: faceConfig.variant,
    scoreThreshold: faceConfig.scoreThreshold,
    iouThreshold: faceConfig.iouThreshold,
    centre: faceConfig.centre,
    marginFactor: faceConfig.marginFactor,
    offsetX: faceConfig.offsetX,
    offsetY: faceConfig.offsetY,
    frame: `photo pasted 1:1 in the middle of a grey (${LOCATE_FRAME.grey}) ${LOCATE_FRAME.width}×${LOCATE_FRAME.height} frame for detection; square kept inside the photo`,
  },
  examined: chosen.length + skipped.length,
  skipped: skipped.length,
  skippedFiles: skipped,
  clamped,
  preparation:
    `face crop (src/face locateFace with DEFAULT_FACE_CONFIG, as the app's capture and import), ` +
    `bilinear resize to ${size}×${size} (half-pixel centres), JPEG quality ${Math.round(quality * 100)}`,
  source: 'Labeled Faces in the Wild, deep-funneled images (Huang et al., UMass Amherst TR 07-49, 2007)',
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
  `${manifest.count} faces of ${people} people (${skipped.length} of ${manifest.examined} photos skipped with no face, ${clamped} squares clamped) → ` +
    `${path.relative(root, path.join(args.out, manifest.file))} ` +
    `(${(tar.byteLength / 1e6).toFixed(2)} MB), version ${manifest.version}, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
process.exit(0);
