/**
 * The enrolment protocol, run with the app's own modules in the page:
 *
 * - photos are fetched from the page's origin (the Node side serves the face set there), decoded by
 *   the browser (createImageBitmap) and preprocessed by src/model preprocess (whole photo) at the
 *   model's input size, and at 100×100 for the pixel baseline;
 * - each enrolment photo becomes a burst of captures with camera-like jitter (src/augment);
 * - negatives are the app's bundled pack, loaded by src/data ensureBundledNegatives into the
 *   page's IndexedDB and read back from the sample store;
 * - pairs from src/data buildPairs, training with src/training train (app defaults but the epochs),
 *   verification with src/verify createVerifier and the app's default thresholds.
 *
 * The page keeps decoded photos and negatives between enrolments; each enrolment builds, trains,
 * verifies and disposes its own network.
 */
import * as tf from '@tensorflow/tfjs';
import { augmentBatch, cameraTransform } from '../../src/augment';
import { validateModelConfig } from '../../src/config';
import { buildPairs, deriveSeed, ensureBundledNegatives, getSampleStore } from '../../src/data';
import { buildSiamese, disposeNetwork, preprocess, wrapSiamese, type SiameseNetwork } from '../../src/model';
import { train } from '../../src/training';
import { createVerifier } from '../../src/verify';
import { seedWeights } from '../../test/seeded';
import { median } from '../common/metrics';
import type { AccuracySetup, Attempt, Condition, EnrolmentResult, SetupInfo, TargetPlan } from '../common/types';
import { startBackend } from './speed';

/** Side of the raw pixels the pixel baseline compares (the reference model's input). */
export const PIXEL_SIDE = 100;

interface State {
  readonly setup: AccuracySetup;
  /** The model's input side. */
  readonly side: number;
  /**
   * Preprocessed photos, `${side}|${condition}|${person}/${file}` → [side, side, 3]: decoded and
   * preprocessed at setup ('plain'), through the fixed camera transform on first use ('sameCamera').
   */
  readonly photos: Map<string, tf.Tensor3D>;
  /** Sample id of every bundled negative, sorted. */
  readonly negativeIds: readonly string[];
  /** Decoded negatives at the model's side, by sample id (on first use). */
  readonly negatives: Map<string, tf.Tensor3D>;
}

let state: State | null = null;

/** FNV-1a of a string: a stable salt for per-photo seeds. */
function stringSalt(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Decodes an image (the browser's decoder) and preprocesses it (src/model) at each side. */
async function decodeBlob(blob: Blob, what: string, sides: readonly number[]): Promise<tf.Tensor3D[]> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch (e) {
    throw new Error(`${what} could not be decoded: ${String(e)}`);
  }
  try {
    return sides.map((side) => preprocess(bitmap, side));
  } finally {
    bitmap.close();
  }
}

async function fetchBlob(base: string, person: string, file: string): Promise<Blob> {
  const url = `${base}${encodeURIComponent(person)}/${encodeURIComponent(file)}`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.blob();
}

const allFiles = (t: TargetPlan) => [...t.anchors, ...t.positives, ...t.verification, ...t.test];
const photoKey = (side: number, condition: Condition, person: string, file: string) => `${side}|${condition}|${person}/${file}`;

export async function accuracySetup(setup: AccuracySetup): Promise<SetupInfo> {
  const t0 = performance.now();
  accuracyDispose();
  const model = validateModelConfig(setup.model);
  const backend = await startBackend({ force: 'wasm', threads: setup.threads });

  const tn = performance.now();
  const pack = await ensureBundledNegatives(import.meta.env.BASE_URL);
  const records = (await getSampleStore().listSamples('negative')).filter((r) => r.source === 'bundled');
  const negativeIds = records.map((r) => r.id).sort();
  const negativePeople = new Set(records.map((r) => r.label)).size;
  const negSeconds = (performance.now() - tn) / 1000;

  const sides = [...new Set([model.inputSize, PIXEL_SIDE])];
  const photos = new Map<string, tf.Tensor3D>();
  for (const t of setup.targets) {
    for (const file of allFiles(t)) {
      const tensors = await decodeBlob(await fetchBlob(setup.photoBase, t.name, file), `${t.name}/${file}`, sides);
      sides.forEach((side, i) => photos.set(photoKey(side, 'plain', t.name, file), tensors[i]!));
    }
  }
  state = { setup, side: model.inputSize, photos, negativeIds, negatives: new Map() };
  const net = buildSiamese(model);
  const params = net.model.countParams();
  disposeNetwork(net);
  return {
    backend,
    negatives: { count: negativeIds.length, version: pack.version, people: negativePeople, seconds: negSeconds },
    photos: photos.size / sides.length,
    model,
    params,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** A preprocessed photo at `side`, as the camera of `condition` sees it (cached). */
function photo(s: State, side: number, condition: Condition, person: string, file: string): tf.Tensor3D {
  const key = photoKey(side, condition, person, file);
  let t = s.photos.get(key);
  if (!t) {
    const plain = s.photos.get(photoKey(side, 'plain', person, file));
    if (!plain) throw new Error(`photo ${person}/${file} was not loaded`);
    t = cameraTransform(plain);
    s.photos.set(key, t);
  }
  return t;
}

/** A burst of captures of each photo: the photo repeated, each copy with its own seeded jitter. */
function bursts(s: State, side: number, condition: Condition, person: string, files: readonly string[], tag: string): { ids: string[]; images: tf.Tensor4D } {
  const n = s.setup.capturesPerPhoto;
  const ids: string[] = [];
  const parts = files.map((file) => {
    for (let k = 0; k < n; k++) ids.push(`${tag}/${person}/${file}#${k}`);
    // The seed depends on the photo only: both conditions and both sides get the same jitter
    // (shifts are fractions of the side).
    const seed = deriveSeed(s.setup.seed, stringSalt(`${person}/${file}`));
    const source = photo(s, side, condition, person, file); // outside the tidy: it may be a new cache entry
    return tf.tidy(() => augmentBatch(tf.tile(tf.expandDims(source, 0), [n, 1, 1, 1]) as tf.Tensor4D, seed, s.setup.jitter));
  });
  const images = tf.concat(parts, 0);
  tf.dispose(parts);
  return { ids, images };
}

async function negativeImages(s: State, ids: readonly string[]): Promise<tf.Tensor4D> {
  const missing = ids.filter((id) => !s.negatives.has(id));
  if (missing.length > 0) {
    const blobs = await getSampleStore().getSampleBlobs(missing);
    for (let i = 0; i < missing.length; i++) {
      const blob = blobs[i];
      if (!blob) throw new Error(`negative ${missing[i]} has no image in the store`);
      s.negatives.set(missing[i]!, (await decodeBlob(blob, missing[i]!, [s.side]))[0]!);
    }
  }
  return tf.stack(ids.map((id) => s.negatives.get(id)!)) as tf.Tensor4D;
}

interface Enrolled {
  readonly net: SiameseNetwork;
  /** Verification captures at the model's side (for the verifier) and at PIXEL_SIDE (for the baseline). */
  readonly verification: tf.Tensor4D;
  readonly verificationPixels: tf.Tensor4D;
}

/** Attempts of `people` with the photos `filesOf` names: the verifier's decision and the pixel distance. */
async function attemptsOf(
  s: State,
  e: Enrolled,
  people: readonly TargetPlan[],
  condition: Condition,
  filesOf: (t: TargetPlan) => readonly string[] = (t) => t.test,
): Promise<Attempt[]> {
  const verifier = createVerifier(e.net);
  try {
    verifier.setVerificationImages(e.verification);
    const out: Attempt[] = [];
    for (const t of people) {
      for (const file of filesOf(t)) {
        const d = await verifier.verify(photo(s, s.side, condition, t.name, file), s.setup.verify);
        const pixels = photo(s, PIXEL_SIDE, condition, t.name, file);
        const dist = tf.tidy(() => tf.mean(tf.abs(tf.sub(e.verificationPixels, pixels))));
        const pixelDistance = (await dist.data())[0]!;
        dist.dispose();
        out.push({ person: t.name, file, verification: d.verification, granted: d.granted, pixelDistance });
      }
    }
    return out;
  } finally {
    verifier.dispose();
  }
}

/** One enrolment of one target person under one condition: train, then every attempt. */
export async function accuracyRun(targetIndex: number, condition: Condition): Promise<EnrolmentResult> {
  const s = state;
  if (!s) throw new Error('accuracySetup has not run');
  const target = s.setup.targets[targetIndex];
  if (!target) throw new Error(`no target ${targetIndex}`);
  // Photos through the camera and decoded negatives are cached for later runs, not leaked.
  const cachedTensors = () => s.photos.size + s.negatives.size;
  const before = tf.memory().numTensors - cachedTensors();
  const { training } = s.setup;

  const anchors = bursts(s, s.side, condition, target.name, target.anchors, 'anchor');
  const positives = bursts(s, s.side, condition, target.name, target.positives, 'positive');
  const split = buildPairs({ anchors: anchors.ids, positives: positives.ids, negatives: s.negativeIds }, training);
  const usedNegatives = [...new Set([...split.train, ...split.test].filter((p) => p.label === 0).map((p) => p.b))].sort();
  const negatives = await negativeImages(s, usedNegatives);
  const ids = [...anchors.ids, ...positives.ids, ...usedNegatives];
  const images = tf.concat([anchors.images, positives.images, negatives], 0);
  tf.dispose([anchors.images, positives.images, negatives]);

  const net = buildSiamese(s.setup.model);
  seedWeights(net, s.setup.seed);
  const steps: number[] = [];
  let lastLog = performance.now();
  const t0 = performance.now();
  let result;
  try {
    const augment = s.setup.trainAugment;
    result = await train(net, { images, index: new Map(ids.map((id, i) => [id, i])), train: split.train, test: split.test }, training, {
      // As the app's training session (src/training/session.ts) does with an enabled augment config.
      augment: augment?.enabled ? (x, seed) => augmentBatch(x, seed, augment) : undefined,
      onBatch: (p) => {
        steps.push(p.stepMs);
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          console.log(`[bench] ${target.name} (${condition}): epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}, loss ${p.loss.toFixed(3)}`);
        }
      },
    });
  } catch (e) {
    disposeNetwork(net);
    throw e;
  } finally {
    images.dispose();
  }
  const trainSeconds = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  const verification = bursts(s, s.side, condition, target.name, target.verification, 'verification');
  const verificationPixels = s.side === PIXEL_SIDE ? verification : bursts(s, PIXEL_SIDE, condition, target.name, target.verification, 'verification');
  const enrolled: Enrolled = { net, verification: verification.images, verificationPixels: verificationPixels.images };
  let genuine: Attempt[];
  let impostor: Attempt[];
  let seen: Attempt[];
  try {
    genuine = await attemptsOf(s, enrolled, [target], condition);
    impostor = await attemptsOf(
      s,
      enrolled,
      s.setup.targets.filter((t) => t.name !== target.name),
      condition,
    );
    // Sanity check: the person's own enrolment photos (without jitter), which training has seen.
    seen = await attemptsOf(s, enrolled, [target], condition, (t) => [...t.anchors, ...t.positives, ...t.verification]);
  } finally {
    tf.dispose([verification.images, verificationPixels.images]);
    disposeNetwork(net);
  }
  return {
    target: target.name,
    condition,
    genuine,
    impostor,
    seenGranted: seen.filter((a) => a.granted).length / seen.length,
    counts: {
      anchors: anchors.ids.length,
      positives: positives.ids.length,
      negatives: usedNegatives.length,
      verification: verification.ids.length,
      trainPairs: split.train.length,
      testPairs: split.test.length,
    },
    history: result.history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, testLoss: h.testLoss, accuracy: h.accuracy, epochMs: h.epochMs })),
    trainSeconds,
    verifySeconds: (performance.now() - t1) / 1000,
    medianStepMs: median(steps),
    leakedTensors: tf.memory().numTensors - cachedTensors() - before,
  };
}

/**
 * "Pretrained only": the bundled pretrained network (public/models/pretrained, the reference
 * design) without any training on the person, verifying against the person's verification
 * captures with the app's verifier and default thresholds.
 */
export async function accuracyPretrained(targetIndex: number, condition: Condition): Promise<EnrolmentResult> {
  const s = state;
  if (!s) throw new Error('accuracySetup has not run');
  const target = s.setup.targets[targetIndex];
  if (!target) throw new Error(`no target ${targetIndex}`);
  if (!pretrained) {
    const model = await tf.loadLayersModel(`${import.meta.env.BASE_URL}${PRETRAINED_URL}`);
    pretrained = wrapSiamese(model, validateModelConfig({}));
  }
  const net = pretrained;
  const cachedTensors = () => s.photos.size + s.negatives.size;
  const before = tf.memory().numTensors - cachedTensors();
  const t1 = performance.now();
  const verification = bursts(s, PIXEL_SIDE, condition, target.name, target.verification, 'verification');
  const enrolled: Enrolled = { net, verification: verification.images, verificationPixels: verification.images };
  let genuine: Attempt[];
  let impostor: Attempt[];
  let seen: Attempt[];
  try {
    genuine = await attemptsOf(s, enrolled, [target], condition);
    impostor = await attemptsOf(
      s,
      enrolled,
      s.setup.targets.filter((t) => t.name !== target.name),
      condition,
    );
    seen = await attemptsOf(s, enrolled, [target], condition, (t) => [...t.anchors, ...t.positives, ...t.verification]);
  } finally {
    verification.images.dispose();
  }
  return {
    target: target.name,
    condition,
    genuine,
    impostor,
    seenGranted: seen.filter((a) => a.granted).length / seen.length,
    counts: { anchors: 0, positives: 0, negatives: 0, verification: verification.ids.length, trainPairs: 0, testPairs: 0 },
    history: [],
    trainSeconds: 0,
    verifySeconds: (performance.now() - t1) / 1000,
    medianStepMs: NaN,
    leakedTensors: tf.memory().numTensors - cachedTensors() - before,
  };
}

/** Where the app bundles the pretrained network (relative to its base URL). */
export const PRETRAINED_URL = 'models/pretrained/model.json';
let pretrained: SiameseNetwork | null = null;

/** Frees the decoded photos and negatives. */
export function accuracyDispose(): void {
  if (!state) return;
  tf.dispose([...state.photos.values(), ...state.negatives.values()]);
  state = null;
  if (pretrained) disposeNetwork(pretrained);
  pretrained = null;
}
