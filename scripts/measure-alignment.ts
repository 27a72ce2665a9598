/**
 * Measures face chips for the dlib face-recognition network on the LFW dev-test pairs: for each
 * photo, the app's face detector (src/face, short range, as for imported photos: locateFace), then
 * one 150×150 chip per variant, one 128-d descriptor per chip, and the Euclidean distance between
 * the two photos of a pair as its score. Per variant: ROC AUC, 10-fold accuracy (LFW protocol),
 * EER, and FRR / FAR at dlib's distance 0.6.
 *
 * Variants: the app's face square (its crop rule, resized to 150), eyes-level chips at several
 * margins and with either scale rule (src/face/align), and the central 110-px crop of the photo
 * as a reference that needs no detector.
 *
 * Until the project's own ResNet lands, the descriptors come from @vladmandic/face-api's
 * recognition net (the node-wasm build, which shares this process's tf.js), the network ours is
 * made to match. Loaded by scripts/measure-alignment.mjs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_FACE_CONFIG } from '../src/config';
import {
  alignmentTransform,
  createFaceDetector,
  locateFace,
  refineFace,
  squareTransform,
  validateAlignConfig,
  warpChip,
  type AlignConfig,
  type Face,
  type Similarity,
} from '../src/face';
import { faceModelPath, fileModelHandler, readJpeg } from '../tools/lfw';

export const HELP = `node scripts/measure-alignment.mjs [-- options]

  --lfw DIR       LFW photos (default ../shared/data/lfw)
  --pairs FILE    pairs file: left, right, same (default ../shared/data/lfw-meta/pairs-dev-test.tsv)
  --limit N       only the first N/2 same and N/2 different pairs (default 0 = all)
  --variants LIST comma-separated variant names (default all; see the list printed at start)
  --out FILE      results JSON (default scripts/results/alignment.json)
  --cache FILE    descriptors as JSON, written every 100 photos and at the end; a run resumes from
                  it (same variants), and recomputes the metrics without the network when complete
  --cached-only   score only the pairs whose two photos are in --cache; compute nothing (the
                  photos are taken pair by pair, same and different in turn, so a run cut short
                  leaves about as many of each)
`;

/** What the detector found in a photo: the face as located (locateFace), its square, and the face refined (refineFace). */
interface Found {
  readonly located: Face;
  readonly refined: Face;
  readonly square: { x: number; y: number; size: number };
}

/** The chip a variant cuts out of a photo: a similarity, or null when it needs a face and none was found. */
interface Variant {
  readonly name: string;
  readonly description: string;
  readonly align?: AlignConfig;
  readonly refined?: boolean;
  transform(photo: { width: number; height: number }, found: Found | null): Similarity | null;
}

const CHIP = 150;
const CENTRAL = 110;

function aligned(padding: number, scale: AlignConfig['scale'], refined: boolean): Variant {
  const align = validateAlignConfig({ size: CHIP, padding, scale });
  return {
    name: `${scale}-${padding.toFixed(2)}${refined ? '-refined' : ''}`,
    description: `eyes level, scale from ${scale === 'eyes' ? 'the eye distance' : 'eye distance + eye-to-mouth height'}, padding ${padding}, keypoints ${refined ? 'of refineFace (detected again in the face square)' : 'as located in the whole (640×480-pasted) frame'}`,
    align,
    refined,
    transform: (_photo, found) => (found === null ? null : alignmentTransform((refined ? found.refined : found.located).keypoints, align)),
  };
}

const VARIANTS: readonly Variant[] = [
  {
    name: 'square',
    description: "the app's face square (DEFAULT_FACE_CONFIG crop rule), resized to 150",
    transform: (_photo, faces) => (faces === null ? null : squareTransform(faces.square, CHIP)),
  },
  aligned(0.25, 'eyes', false),
  ...[0.1, 0.25, 0.4].map((p) => aligned(p, 'eyes', true)),
  aligned(0.25, 'eyesMouth', true),
  {
    name: 'central110',
    description: 'the central 110-px square of the 250×250 photo, resized to 150 (no detector)',
    transform: (photo) => squareTransform({ x: (photo.width - CENTRAL) / 2, y: (photo.height - CENTRAL) / 2, size: CENTRAL }, CHIP),
  },
];

interface Pair {
  readonly left: string;
  readonly right: string;
  readonly same: boolean;
}

function readPairs(file: string): Pair[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  if (header?.split('\t').join(',') !== 'left,right,same') throw new Error(`${file}: expected the header left, right, same; got ${header}`);
  return lines.map((line) => {
    const [left, right, same] = line.split('\t');
    if (left === undefined || right === undefined || (same !== '0' && same !== '1')) throw new Error(`${file}: bad line ${line}`);
    return { left, right, same: same === '1' };
  });
}

// ---- metrics on plain arrays; scores: higher = more likely the same person (negated distances).

/** Mann–Whitney ROC AUC, ties counting one half. */
function rocAuc(genuine: readonly number[], impostor: readonly number[]): number {
  const all = [...genuine.map((s) => ({ s, g: true })), ...impostor.map((s) => ({ s, g: false }))].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    for (let k = i; k < j; k++) if (all[k]!.g) rankSum += (i + 1 + j) / 2;
    i = j;
  }
  return (rankSum - (genuine.length * (genuine.length + 1)) / 2) / (genuine.length * impostor.length);
}

/** Pairs decided right when "same" means score > t. */
const rightAt = (genuine: readonly number[], impostor: readonly number[], t: number) =>
  genuine.filter((s) => s > t).length + impostor.filter((s) => !(s > t)).length;

/** The best-accuracy threshold: midpoints between adjacent distinct scores and beyond both ends. */
function bestThreshold(genuine: readonly number[], impostor: readonly number[]): number {
  const all = [...genuine.map((s) => ({ s, g: true })), ...impostor.map((s) => ({ s, g: false }))].sort((a, b) => a.s - b.s);
  let correct = genuine.length;
  let best = { t: all[0]!.s - 1e-6, correct };
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) correct += all[j++]!.g ? -1 : 1;
    const t = j < all.length ? (all[i]!.s + all[j]!.s) / 2 : all[i]!.s + 1e-6;
    if (correct > best.correct) best = { t, correct };
    i = j;
  }
  return best.t;
}

/** LFW protocol: 10 stratified folds (class members dealt round in file order), threshold fitted on the other 9. */
function tenFold(genuine: readonly number[], impostor: readonly number[], k = 10): { accuracy: number; std: number } {
  const pick = (xs: readonly number[], f: number, inFold: boolean) => xs.filter((_, i) => (i % k === f) === inFold);
  let right = 0;
  const folds: number[] = [];
  for (let f = 0; f < k; f++) {
    const g = pick(genuine, f, true);
    const i = pick(impostor, f, true);
    const r = rightAt(g, i, bestThreshold(pick(genuine, f, false), pick(impostor, f, false)));
    right += r;
    folds.push(r / (g.length + i.length));
  }
  const mean = folds.reduce((a, b) => a + b, 0) / k;
  return { accuracy: right / (genuine.length + impostor.length), std: Math.sqrt(folds.reduce((a, b) => a + (b - mean) ** 2, 0) / k) };
}

/** Equal error rate: the threshold where FRR and FAR cross (the mean of the two at the closest candidate). */
function eer(genuine: readonly number[], impostor: readonly number[]): { eer: number; threshold: number } {
  const candidates = [...new Set([...genuine, ...impostor])].sort((a, b) => a - b);
  let best = { gap: Infinity, eer: 1, threshold: 0 };
  for (const t of candidates) {
    const frr = genuine.filter((s) => !(s > t)).length / genuine.length;
    const far = impostor.filter((s) => s > t).length / impostor.length;
    if (Math.abs(frr - far) < best.gap) best = { gap: Math.abs(frr - far), eer: (frr + far) / 2, threshold: t };
  }
  return { eer: best.eer, threshold: best.threshold };
}

const distance = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0));

interface DescriptorCache {
  readonly variants: string[];
  readonly noFace: number;
  readonly descriptors: Record<string, number[][]>;
}

function writeCache(file: string, variants: readonly Variant[], noFace: number, descriptors: Map<string, Float32Array[]>): void {
  const out: DescriptorCache = {
    variants: variants.map((v) => v.name),
    noFace,
    descriptors: Object.fromEntries([...descriptors].map(([k, ds]) => [k, ds.map((d) => Array.from(d))])),
  };
  writeFileSync(file, JSON.stringify(out));
}

interface FaceApi {
  readonly nets: {
    readonly faceRecognitionNet: {
      loadFromDisk(dir: string): Promise<void>;
      computeFaceDescriptor(input: tf.Tensor3D[]): Promise<Float32Array | Float32Array[]>;
    };
  };
}

export async function main(argv: string[], root: string): Promise<void> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      lfw: { type: 'string', default: path.join(root, '../shared/data/lfw') },
      pairs: { type: 'string', default: path.join(root, '../shared/data/lfw-meta/pairs-dev-test.tsv') },
      limit: { type: 'string', default: '0' },
      variants: { type: 'string' },
      out: { type: 'string', default: path.join(root, 'scripts/results/alignment.json') },
      cache: { type: 'string' },
      'cached-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (args.help) {
    console.log(HELP);
    return;
  }
  const wanted = args.variants?.split(',') ?? VARIANTS.map((v) => v.name);
  const variants = VARIANTS.filter((v) => wanted.includes(v.name));
  if (variants.length !== wanted.length)
    throw new Error(`unknown variant in ${args.variants}; known: ${VARIANTS.map((v) => v.name).join(', ')}`);
  const limit = Number(args.limit);
  const allPairs = readPairs(args.pairs);
  // --limit: the first limit/2 pairs of each class, in file order.
  let pairs =
    limit > 0
      ? [
          ...allPairs.filter((p) => p.same).slice(0, Math.ceil(limit / 2)),
          ...allPairs.filter((p) => !p.same).slice(0, Math.floor(limit / 2)),
        ]
      : allPairs;
  // Photos in the order of the pairs, same and different pairs taken in turn, so that a run cut
  // short (its --cache) holds whole pairs of both classes.
  const same = pairs.filter((p) => p.same);
  const different = pairs.filter((p) => !p.same);
  const interleaved = Array.from({ length: Math.max(same.length, different.length) }, (_, i) => [same[i], different[i]]).flat();
  let photos = [...new Set(interleaved.flatMap((p) => (p === undefined ? [] : [p.left, p.right])))];

  await tf.setBackend('wasm');
  await tf.ready();
  const faceapi = createRequire(import.meta.url)('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const net = faceapi.nets.faceRecognitionNet;
  await net.loadFromDisk(path.join(root, 'node_modules/@vladmandic/face-api/model'));
  const detector = await createFaceDetector({ model: fileModelHandler(faceModelPath(DEFAULT_FACE_CONFIG.variant)) });
  console.log(
    `${pairs.length} pairs, ${photos.length} photos, variants ${variants.map((v) => v.name).join(', ')}; tf.js ${tf.getBackend()}`,
  );

  const descriptors = new Map<string, Float32Array[]>(); // photo → one descriptor per variant
  let noFace = 0;
  let fallbacks = 0;
  const tensorsBefore = tf.memory().numTensors;
  const started = performance.now();
  const cached =
    args.cache !== undefined && existsSync(args.cache) ? (JSON.parse(readFileSync(args.cache, 'utf8')) as DescriptorCache) : null;
  if (cached !== null && cached.variants.join() !== variants.map((v) => v.name).join())
    throw new Error(`${args.cache} holds the variants ${cached.variants.join(', ')}`);
  if (cached !== null) {
    noFace = cached.noFace;
    for (const [photo, ds] of Object.entries(cached.descriptors))
      descriptors.set(
        photo,
        ds.map((d) => Float32Array.from(d)),
      );
  }
  if (args['cached-only']) {
    if (cached === null) throw new Error('--cached-only needs an existing --cache file');
    pairs = pairs.filter((p) => descriptors.has(p.left) && descriptors.has(p.right));
    photos = photos.filter((p) => descriptors.has(p));
  }
  for (const [n, photo] of photos.entries()) {
    if (descriptors.has(photo)) continue;
    const image = readJpeg(path.join(args.lfw, photo));
    const crop = await locateFace(detector, image);
    if (crop === null) noFace++;
    const found: Found | null = crop && { located: crop.face, square: crop.square, refined: await refineFace(detector, image, crop.face) };
    // A variant that needs a face falls back to the central crop when the detector found none,
    // so that every variant scores the same pairs.
    const central = squareTransform({ x: (image.width - CENTRAL) / 2, y: (image.height - CENTRAL) / 2, size: CENTRAL }, CHIP);
    const chips = variants.map((v) => {
      const t = v.transform(image, found);
      if (t === null) fallbacks++;
      return warpChip(image, t ?? central, CHIP);
    });
    try {
      const out = await net.computeFaceDescriptor(chips);
      descriptors.set(photo, Array.isArray(out) ? out : [out]);
    } finally {
      tf.dispose(chips);
    }
    if ((n + 1) % 100 === 0 && args.cache !== undefined) writeCache(args.cache, variants, noFace, descriptors);
    if ((n + 1) % 100 === 0) {
      const s = (performance.now() - started) / 1000;
      console.log(
        `  ${n + 1}/${photos.length} photos, ${s.toFixed(0)} s (${((1000 * s) / (n + 1) / variants.length).toFixed(0)} ms a chip)`,
      );
    }
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  detector.dispose();
  if (args.cache !== undefined) writeCache(args.cache, variants, noFace, descriptors);

  const results = variants.map((v, i) => {
    const genuine: number[] = [];
    const impostor: number[] = [];
    for (const p of pairs) (p.same ? genuine : impostor).push(-distance(descriptors.get(p.left)![i]!, descriptors.get(p.right)![i]!));
    const e = eer(genuine, impostor);
    const at06 = {
      frr: genuine.filter((s) => !(s > -0.6)).length / genuine.length,
      far: impostor.filter((s) => s > -0.6).length / impostor.length,
    };
    const mean = (xs: number[]) => -xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      variant: v.name,
      description: v.description,
      ...(v.align && { align: v.align, refinedKeypoints: v.refined === true }),
      auc: rocAuc(genuine, impostor),
      tenFoldAccuracy: tenFold(genuine, impostor),
      eer: e.eer,
      eerDistance: -e.threshold,
      atDistance06: at06,
      meanDistance: { same: mean(genuine), different: mean(impostor) },
    };
  });

  const report = {
    pairs: {
      file: path.relative(root, args.pairs),
      inFile: allPairs.length,
      count: pairs.length,
      same: pairs.filter((p) => p.same).length,
      photos: photos.length,
    },
    descriptor: '@vladmandic/face-api 1.7.15 faceRecognitionNet (dlib ResNet-34-like, 128-d), tf.js wasm',
    detector: `BlazeFace ${DEFAULT_FACE_CONFIG.variant} range via locateFace (score ≥ ${DEFAULT_FACE_CONFIG.scoreThreshold})`,
    photosWithoutFace: noFace,
    note: 'Photos without a face use the central 110-px crop in every variant. Score = Euclidean distance between descriptors (smaller = same). 10-fold: threshold fitted on 9 stratified folds, applied to the tenth.',
    descriptorsComputed: photos.length - (cached === null ? 0 : photos.filter((p) => cached.descriptors[p] !== undefined).length),
    seconds: Math.round((performance.now() - started) / 1000),
    tensorsLeft: leaked,
    bestByAuc: results.reduce((a, b) => (b.auc > a.auc ? b : a)).variant,
    variants: results,
  };
  writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `\n${photos.length} photos, ${noFace} without a face (${fallbacks} chips fell back to the central crop); tensors left ${leaked}`,
  );
  console.log(`${'variant'.padEnd(24)}  AUC     10-fold acc       EER      FRR / FAR at 0.6`);
  for (const r of results) {
    console.log(
      `${r.variant.padEnd(24)}  ${r.auc.toFixed(4)}  ${(100 * r.tenFoldAccuracy.accuracy).toFixed(2)} ± ${(100 * r.tenFoldAccuracy.std).toFixed(2)} %  ${(100 * r.eer).toFixed(2)} %  ${(100 * r.atDistance06.frr).toFixed(2)} / ${(100 * r.atDistance06.far).toFixed(2)} %`,
    );
  }
  console.log(`written to ${path.relative(root, args.out)}`);
}
