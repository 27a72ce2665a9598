/**
 * The enrolment protocol, run with the app's own modules in the page:
 *
 * - each photo is fetched from the page's origin (the Node side serves the face set there),
 *   decoded by the browser and pasted into a simulated 640×480 webcam frame at a seeded offset and
 *   scale (bench/common/frame.ts); from that one frame the fixed crop (src/data captureSquare, the
 *   reference's centred square) and the face crop (src/face: detector, then faceCrop with the
 *   app's face config) are cut and preprocessed by src/model preprocess to the model's 100×100;
 *   a frame with no face has no face crop (the app refuses such a capture and denies such an
 *   attempt);
 * - each enrolment photo becomes a burst of captures with camera-like jitter (src/augment);
 * - negatives are the app's bundled pack, loaded by src/data ensureBundledNegatives into the
 *   page's IndexedDB and read back from the sample store;
 * - the starting network is the app's: for fine-tuning src/model loadStartingNetwork (the bundled
 *   pretrained model, classifier bias as pretrained), for "pretrained only" loadPretrainedNetwork
 *   (its calibrated bias, as the app verifies before training), from scratch the reference
 *   network with seeded initial weights;
 *   pairs from src/data buildPairs, training with src/training train and the app's training
 *   config (the variant sets start, augmentation and epochs); verification with src/verify
 *   createVerifier and the app's default thresholds.
 *
 * The page keeps the preprocessed crops and decoded negatives between enrolments; each enrolment
 * gets, trains, scores and disposes its own network (the untrained pretrained network of the
 * "pretrained only" variants is loaded once and kept).
 */
import * as tf from '@tensorflow/tfjs';
import { augmentBatch, cameraTransform } from '../../src/augment';
import { DEFAULT_MODEL_CONFIG, type CropMode, type TrainingConfig } from '../../src/config';
import { buildPairs, captureSquare, ensureBundledNegatives, getSampleStore } from '../../src/data';
import { createFaceDetector, faceCrop } from '../../src/face';
import { buildSiamese, disposeNetwork, loadPretrainedNetwork, loadStartingNetwork, preprocess, type SiameseNetwork } from '../../src/model';
import { augmentFunction, calibrateHead, calibrationCohort, cohortLogits, train, type CalibrationResult } from '../../src/training';
import { createVerifier, type Verifier } from '../../src/verify';
import { median, seedWeights } from '../../tools/common';
import type { TargetPlan } from '../../tools/lfw';
import { cropFit, photoSeed, placePhoto } from '../common/frame';
import { AUGMENT_SETS } from '../common/variants';
import type { AccuracySetup, Attempt, Condition, CropStats, EnrolmentRequest, EnrolmentResult, SetupInfo } from '../common/types';
import { decodeBitmap, fetchBlob, renderFrame } from './frame';
import { startBackend } from './speed';

/** The model's input side: the reference network (the only one the pretrained model fits). */
const SIDE = DEFAULT_MODEL_CONFIG.inputSize;

interface State {
  readonly setup: AccuracySetup;
  /**
   * Preprocessed crops, `${crop}|${condition}|${person}/${file}` → [SIDE, SIDE, 3]: made at setup
   * ('plain'), through the fixed camera transform on first use ('sameCamera'). A photo whose frame
   * has no face has no 'face' entry.
   */
  readonly photos: Map<string, tf.Tensor3D>;
  /** Sample id of every bundled negative, sorted. */
  readonly negativeIds: readonly string[];
  /** Decoded negatives by sample id (on first use). */
  readonly negatives: Map<string, tf.Tensor3D>;
  /** The untrained pretrained network of the "pretrained only" variants (on first use). */
  pretrained: SiameseNetwork | null;
}

let state: State | null = null;

const allFiles = (t: TargetPlan) => [...t.anchors, ...t.positives, ...t.verification, ...t.test];
const enrolmentFiles = (t: TargetPlan) => [...t.anchors, ...t.positives, ...t.verification];
const photoKey = (crop: CropMode, condition: Condition, person: string, file: string) => `${crop}|${condition}|${person}/${file}`;

export async function accuracySetup(setup: AccuracySetup): Promise<SetupInfo> {
  const t0 = performance.now();
  accuracyDispose();
  const backend = await startBackend({ force: 'wasm', threads: setup.threads });

  const tn = performance.now();
  const pack = await ensureBundledNegatives(import.meta.env.BASE_URL);
  const records = (await getSampleStore().listSamples('negative')).filter((r) => r.source === 'bundled');
  const negativeIds = records.map((r) => r.id).sort();
  const negativePeople = new Set(records.map((r) => r.label)).size;
  const negSeconds = (performance.now() - tn) / 1000;

  const { frame, face } = setup;
  const fixedSquare = captureSquare(frame.width, frame.height, setup.capture);
  const detector = await createFaceDetector({
    variant: face.variant,
    scoreThreshold: face.scoreThreshold,
    iouThreshold: face.iouThreshold,
  });
  const photos = new Map<string, tf.Tensor3D>();
  const fits: Record<CropMode, { offset: number; sizeRatio: number }[]> = { face: [], fixed: [] };
  const noFacePhotos: string[] = [];
  const detectMs: number[] = [];
  let clamped = 0;
  let count = 0;
  try {
    for (const t of setup.targets) {
      for (const file of allFiles(t)) {
        const url = `${setup.photoBase}${encodeURIComponent(t.name)}/${encodeURIComponent(file)}`;
        const bitmap = await decodeBitmap(await fetchBlob(url), `${t.name}/${file}`);
        let camera: ImageData;
        const placement = placePhoto(photoSeed(setup.seed, t.name, file), bitmap.width, bitmap.height, frame);
        try {
          camera = renderFrame(bitmap, placement, frame);
        } finally {
          bitmap.close();
        }
        const td = performance.now();
        const crop = faceCrop(await detector.detect(camera), camera.width, camera.height, face);
        detectMs.push(performance.now() - td);
        photos.set(photoKey('fixed', 'plain', t.name, file), preprocess(camera, SIDE, fixedSquare));
        fits.fixed.push(cropFit(fixedSquare, placement));
        if (crop) {
          photos.set(photoKey('face', 'plain', t.name, file), preprocess(camera, SIDE, crop.square));
          fits.face.push(cropFit(crop.square, placement));
          if (crop.square.clamped) clamped++;
        } else {
          noFacePhotos.push(`${t.name}/${file}`);
        }
        count++;
      }
    }
  } catch (e) {
    tf.dispose([...photos.values()]);
    throw e;
  } finally {
    detector.dispose();
  }
  state = { setup, photos, negativeIds, negatives: new Map(), pretrained: null };
  const crops: CropStats[] = (['face', 'fixed'] as const).map((crop) => ({
    crop,
    photos: fits[crop].length,
    noFace: crop === 'face' ? noFacePhotos.length : 0,
    medianOffset: median(fits[crop].map((f) => f.offset)),
    medianSizeRatio: median(fits[crop].map((f) => f.sizeRatio)),
    clamped: crop === 'face' ? clamped : 0,
  }));
  const net = buildSiamese(DEFAULT_MODEL_CONFIG);
  const params = net.model.countParams();
  disposeNetwork(net);
  return {
    backend,
    negatives: { count: negativeIds.length, version: pack.version, people: negativePeople, seconds: negSeconds },
    photos: count,
    params,
    crops,
    noFacePhotos,
    detectMs: median(detectMs),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** A preprocessed crop as the camera of `condition` sees it (cached), or null when its frame has no face (face crop). */
function photo(s: State, crop: CropMode, condition: Condition, person: string, file: string): tf.Tensor3D | null {
  const key = photoKey(crop, condition, person, file);
  let t = s.photos.get(key);
  if (!t) {
    const plain = s.photos.get(photoKey(crop, 'plain', person, file));
    if (!plain) return null;
    t = cameraTransform(plain);
    s.photos.set(key, t);
  }
  return t;
}

/** A burst of captures of each photo that has a crop: the crop repeated, each copy with its own seeded jitter. */
function bursts(
  s: State,
  crop: CropMode,
  condition: Condition,
  person: string,
  files: readonly string[],
  tag: string,
): { ids: string[]; images: tf.Tensor4D } {
  const n = s.setup.capturesPerPhoto;
  const ids: string[] = [];
  const parts: tf.Tensor4D[] = [];
  for (const file of files) {
    const source = photo(s, crop, condition, person, file); // outside the tidy: it may be a new cache entry
    if (!source) continue;
    for (let k = 0; k < n; k++) ids.push(`${tag}/${person}/${file}#${k}`);
    // The seed depends on the photo only: every variant and condition gets the same jitter.
    const seed = photoSeed(s.setup.seed, person, file);
    parts.push(tf.tidy(() => augmentBatch(tf.tile(tf.expandDims(source, 0), [n, 1, 1, 1]) as tf.Tensor4D, seed, s.setup.jitter)));
  }
  if (parts.length === 0) throw new Error(`no ${tag} photo of ${person} has a ${crop} crop (no face found in any of their frames)`);
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
      const bitmap = await decodeBitmap(blob, missing[i]!);
      try {
        s.negatives.set(missing[i]!, preprocess(bitmap, SIDE));
      } finally {
        bitmap.close();
      }
    }
  }
  return tf.stack(ids.map((id) => s.negatives.get(id)!)) as tf.Tensor4D;
}

/**
 * The attempts of `people` with the photos `filesOf` names against the verifier's verification
 * captures (`verification`): the app's verifier decision and the pixel baseline's distance. A
 * photo with no crop (no face found) is an attempt the app denies: verification 0, not granted,
 * pixel distance 1 (the largest).
 */
async function attemptsOf(
  s: State,
  verifier: Verifier,
  verification: tf.Tensor4D,
  crop: CropMode,
  condition: Condition,
  people: readonly TargetPlan[],
  filesOf: (t: TargetPlan) => readonly string[],
): Promise<Attempt[]> {
  const out: Attempt[] = [];
  for (const t of people) {
    for (const file of filesOf(t)) {
      const x = photo(s, crop, condition, t.name, file);
      if (!x) {
        out.push({ person: t.name, file, verification: 0, granted: false, noFace: true, pixelDistance: 1, scores: [] });
        continue;
      }
      const d = await verifier.verify(x, s.setup.verify);
      const dist = tf.tidy(() => tf.mean(tf.abs(tf.sub(verification, x))));
      const pixelDistance = (await dist.data())[0]!;
      dist.dispose();
      out.push({ person: t.name, file, verification: d.verification, granted: d.granted, noFace: false, pixelDistance, scores: d.scores });
    }
  }
  return out;
}

interface Trained {
  readonly history: EnrolmentResult['history'];
  readonly counts: Omit<EnrolmentResult['counts'], 'verification'>;
  readonly seconds: number;
  readonly medianStepMs: number;
  /** The calibration after training, as the app's training session does it (null: not asked, or too few held-out negatives). */
  readonly calibration: CalibrationResult | null;
  /** The cohort's logits as trained (before calibration), whether or not the variant calibrates. */
  readonly cohortLogits: number[] | null;
}

/** Trains `net` on the target's enrolment captures and the bundled negatives with the app's train(). */
async function trainOn(
  s: State,
  net: SiameseNetwork,
  target: TargetPlan,
  req: EnrolmentRequest,
  training: TrainingConfig,
): Promise<Trained> {
  const { crop } = req.variant;
  const anchors = bursts(s, crop, req.condition, target.name, target.anchors, 'anchor');
  const positives = bursts(s, crop, req.condition, target.name, target.positives, 'positive');
  let images: tf.Tensor4D;
  let split: ReturnType<typeof buildPairs>;
  let usedNegatives: string[];
  try {
    split = buildPairs({ anchors: anchors.ids, positives: positives.ids, negatives: s.negativeIds }, training);
    usedNegatives = [...new Set([...split.train, ...split.test].filter((p) => p.label === 0).map((p) => p.b))].sort();
    const negatives = await negativeImages(s, usedNegatives);
    images = tf.concat([anchors.images, positives.images, negatives], 0);
    negatives.dispose();
  } finally {
    tf.dispose([anchors.images, positives.images]);
  }
  const ids = [...anchors.ids, ...positives.ids, ...usedNegatives];
  const usedIds = new Set([...split.train, ...split.test].flatMap((p) => [p.a, p.b]));
  const steps: number[] = [];
  let lastLog = performance.now();
  const t0 = performance.now();
  try {
    const result = await train(
      net,
      { images, index: new Map(ids.map((id, i) => [id, i])), train: split.train, test: split.test },
      training,
      {
        augment: augmentFunction(training, AUGMENT_SETS[req.variant.augmentSet]),
        onBatch: (p) => {
          steps.push(p.stepMs);
          if (performance.now() - lastLog > 15_000) {
            lastLog = performance.now();
            console.log(
              `[bench] ${target.name} (${req.variant.id}, ${req.condition}): epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}, loss ${p.loss.toFixed(3)}`,
            );
          }
        },
      },
    );
    let calibration: CalibrationResult | null = null;
    let logits: number[] | null = null;
    const cohort = calibrationCohort(
      anchors.ids.filter((id) => usedIds.has(id)),
      s.negativeIds,
      usedIds,
      training.seed,
    );
    if (cohort) {
      const anchorRows = tf.gather(
        images,
        cohort.anchors.map((id) => ids.indexOf(id)),
      ) as tf.Tensor4D;
      const held = await negativeImages(s, cohort.negatives);
      try {
        if (training.calibrate) {
          const c = calibrateHead(net, anchorRows, held);
          calibration = c.result;
          logits = Array.from(c.logitsAsTrained);
        } else {
          logits = Array.from(cohortLogits(net, anchorRows, held));
        }
      } finally {
        tf.dispose([anchorRows, held]);
      }
    }
    return {
      calibration,
      cohortLogits: logits,
      history: result.history.map((h) => ({
        epoch: h.epoch,
        trainLoss: h.trainLoss,
        testLoss: h.testLoss,
        accuracy: h.accuracy,
        epochMs: h.epochMs,
      })),
      counts: {
        anchors: anchors.ids.length,
        positives: positives.ids.length,
        negatives: usedNegatives.length,
        trainPairs: split.train.length,
        testPairs: split.test.length,
      },
      seconds: (performance.now() - t0) / 1000,
      medianStepMs: median(steps),
    };
  } finally {
    images.dispose();
  }
}

/** The starting network of a variant, and whether this enrolment owns (and so disposes) it. */
async function startingNetwork(s: State, req: EnrolmentRequest): Promise<{ net: SiameseNetwork; owned: boolean }> {
  switch (req.variant.start) {
    case 'none':
      // As the app verifies before any training: the pretrained model with its calibrated bias.
      s.pretrained ??= await loadPretrainedNetwork(import.meta.env.BASE_URL, DEFAULT_MODEL_CONFIG);
      return { net: s.pretrained, owned: false };
    case 'pretrained':
      // As the app's training (src/training worker and page): the pretrained model with the
      // classifier bias as pretraining left it (loadStartingNetwork undoes the calibration shift).
      return { net: await loadStartingNetwork(import.meta.env.BASE_URL, DEFAULT_MODEL_CONFIG), owned: true };
    case 'scratch': {
      const net = buildSiamese(DEFAULT_MODEL_CONFIG);
      seedWeights(net, s.setup.seed);
      return { net, owned: true };
    }
  }
}

/**
 * One enrolment of one target person, one variant, one condition: get the starting network, train
 * it (unless the variant is pretrained only), then score every attempt against the person's
 * verification captures.
 */
export async function accuracyRun(req: EnrolmentRequest): Promise<EnrolmentResult> {
  const s = state;
  if (!s) throw new Error('accuracySetup has not run');
  const target = s.setup.targets[req.target];
  if (!target) throw new Error(`no target ${req.target}`);
  const { variant, condition } = req;
  // Crops through the camera, decoded negatives and the kept pretrained network are cached for later runs, not leaked.
  const cachedTensors = () => s.photos.size + s.negatives.size + (s.pretrained ? s.pretrained.model.weights.length : 0);
  const t0 = performance.now();
  const { net, owned } = await startingNetwork(s, req);
  const loadSeconds = (performance.now() - t0) / 1000;
  const before = tf.memory().numTensors - cachedTensors() - (owned ? net.model.weights.length : 0);
  const skippedPhotos = enrolmentFiles(target).filter((f) => !s.photos.has(photoKey(variant.crop, 'plain', target.name, f))).length;
  let trained: Trained | null = null;
  let verification: { ids: string[]; images: tf.Tensor4D } | null = null;
  let verifier: Verifier | null = null;
  let genuine: Attempt[];
  let impostor: Attempt[];
  let seen: Attempt[];
  let t2 = performance.now();
  try {
    if (variant.start !== 'none') {
      trained = await trainOn(s, net, target, req, {
        ...s.setup.training,
        start: variant.start,
        augment: variant.augment,
        epochs: variant.epochs,
        freeze: variant.freeze,
        calibrate: variant.calibrate,
      });
    }
    t2 = performance.now();
    verification = bursts(s, variant.crop, condition, target.name, target.verification, 'verification');
    verifier = createVerifier(net);
    verifier.setVerificationImages(verification.images);
    const score = (people: readonly TargetPlan[], filesOf: (t: TargetPlan) => readonly string[]) =>
      attemptsOf(s, verifier!, verification!.images, variant.crop, condition, people, filesOf);
    genuine = await score([target], (t) => t.test);
    impostor = await score(
      s.setup.targets.filter((t) => t.name !== target.name),
      (t) => t.test,
    );
    // Sanity check: the person's own enrolment photos (without jitter), which training has seen.
    seen = await score([target], enrolmentFiles);
  } finally {
    verifier?.dispose();
    verification?.images.dispose();
    if (owned) disposeNetwork(net);
  }
  const verifySeconds = (performance.now() - t2) / 1000;
  return {
    target: target.name,
    condition,
    variant: variant.id,
    genuine,
    impostor,
    seenGranted: seen.filter((a) => a.granted).length / seen.length,
    skippedPhotos,
    counts: {
      ...(trained?.counts ?? { anchors: 0, positives: 0, negatives: 0, trainPairs: 0, testPairs: 0 }),
      verification: verification.ids.length,
    },
    history: trained?.history ?? [],
    calibration: trained?.calibration ?? null,
    cohortLogits: trained?.cohortLogits ?? null,
    loadSeconds,
    trainSeconds: trained?.seconds ?? 0,
    verifySeconds,
    msPerAttempt: (1000 * verifySeconds) / (genuine.length + impostor.length + seen.length),
    medianStepMs: trained?.medianStepMs ?? NaN,
    leakedTensors: tf.memory().numTensors - cachedTensors() - before,
  };
}

/** Frees the crops, the negatives and the kept pretrained network. */
export function accuracyDispose(): void {
  if (!state) return;
  tf.dispose([...state.photos.values(), ...state.negatives.values()]);
  if (state.pretrained) disposeNetwork(state.pretrained);
  state = null;
}
