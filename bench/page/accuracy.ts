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
 * The face-recognition variants (the app's default face model) run the same protocol on the same
 * frames, the way the app runs that model:
 * - a capture is the face square cut from the frame at the camera's resolution (as the app stores
 *   it), each burst copy jittered with the same seeded camera jitter as the Koch crops, and
 *   described by src/facerec createFaceDescriber's describeStill (detect, refine, align, backbone),
 *   as the app's training describes stored captures; the bundled negatives likewise, decoded by
 *   src/model decodePixels;
 * - training is src/training train() on the descriptors with the app's FACEREC_TRAINING_CONFIG,
 *   from src/model loadStartingNetwork (the shipped head, bias as pretrained), then calibrated
 *   (calibrateHead, the face model's own target) on the same kind of cohort as the app's session;
 *   "pretrained only" verifies with loadPretrainedNetwork (the shipped calibrated head);
 * - an attempt is what the live app does with a frame: the face the detector found in the frame
 *   (the same detection as the face crop), describeFace(frame, face) (refine, align, backbone),
 *   the verifier against the verification captures' descriptors;
 * - same camera: cameraTransform on the face square (before the jitter) and on the whole frame of
 *   each attempt, at the camera's resolution; the detection is the untransformed frame's, as for
 *   the Koch crops (describeFace refines it on the transformed frame).
 *
 * The page keeps the preprocessed crops, decoded negatives and descriptors between enrolments;
 * each enrolment gets, trains, scores and disposes its own network (the untrained pretrained
 * networks of the "pretrained only" variants are loaded once and kept).
 */
import * as tf from '@tensorflow/tfjs';
import { augmentBatch, cameraTransform } from '../../src/augment';
import {
  DEFAULT_FACEREC_CONFIG,
  DEFAULT_MODEL_CONFIG,
  faceModelOf,
  STRANGER_PAIRS,
  type CropMode,
  type ModelConfig,
  type TrainingConfig,
} from '../../src/config';
import {
  buildPairs,
  captureSquare,
  ensureBundledNegatives,
  getSampleStore,
  strangerPairs,
  withExtraPairs,
  type PairSplit,
  type Square,
} from '../../src/data';
import { createFaceDetector, faceCrop, type Face, type FaceDetector } from '../../src/face';
import { createFaceDescriber, loadBackbone, type FaceDescriber } from '../../src/facerec';
import {
  buildSiamese,
  decodePixels,
  disposeNetwork,
  loadPretrainedNetwork,
  loadStartingNetwork,
  preprocess,
  type SiameseNetwork,
} from '../../src/model';
import { augmentFunction, calibrateHead, calibrationCohort, cohortLogits, train, type CalibrationResult } from '../../src/training';
import { createVerifier, type Verifier } from '../../src/verify';
import { median, seedWeights } from '../../tools/common';
import type { TargetPlan } from '../../tools/lfw';
import { cropFit, photoSeed, placePhoto } from '../common/frame';
import { AUGMENT_SETS } from '../common/variants';
import type {
  AccuracySetup,
  Attempt,
  Condition,
  CropStats,
  EnrolmentRequest,
  EnrolmentResult,
  FaceRecSetupInfo,
  SetupInfo,
} from '../common/types';
import { decodeBitmap, fetchBlob, renderFrame } from './frame';
import { startBackend } from './speed';

/** The model's input side: the reference network (the only one the pretrained model fits). */
const SIDE = DEFAULT_MODEL_CONFIG.inputSize;

export interface State {
  readonly setup: AccuracySetup;
  /**
   * Preprocessed crops, `${crop}|${condition}|${person}/${file}` → [SIDE, SIDE, 3]: made at setup
   * ('plain'), through the fixed camera transform on first use ('sameCamera'). A photo whose frame
   * has no face has no 'face' entry.
   */
  readonly photos: Map<string, tf.Tensor3D>;
  /** Sample id of every bundled negative, sorted. */
  readonly negativeIds: readonly string[];
  /** Each bundled negative's LFW person (for the pairs of strangers, src/data strangerPairs). */
  readonly negativeLabels: ReadonlyMap<string, string | undefined>;
  /** Decoded negatives by sample id (on first use). */
  readonly negatives: Map<string, tf.Tensor3D>;
  /** The untrained pretrained network of the "pretrained only" variants (on first use). */
  pretrained: SiameseNetwork | null;
  /** The face-recognition variants' state (null when none runs). */
  readonly faceRec: FaceRecState | null;
}

export interface FaceRecState {
  readonly detector: FaceDetector;
  readonly backbone: tf.LayersModel;
  readonly backboneVersion: string;
  readonly describer: FaceDescriber;
  /** Seconds to load the backbone. */
  readonly loadSeconds: number;
  /** The face square of each photo with a face, `${person}/${file}` → [side, side, 3] in [0, 1], at the frame's resolution. */
  readonly squares: Map<string, tf.Tensor3D>;
  /** describeFace of each frame's face, `${condition}|${person}/${file}` (no entry: no face found). */
  readonly frames: Map<string, Float32Array>;
  /** Descriptors of each burst of captures, `${condition}|${tag}/${person}` (on first use). */
  readonly bursts: Map<string, DescribedBurst>;
  /** Descriptors of the bundled negatives by sample id (on first use). */
  readonly negatives: Map<string, Float32Array>;
  /** The shipped calibrated head, for facerec-pretrained (on first use). */
  pretrained: SiameseNetwork | null;
}

export interface DescribedBurst {
  readonly ids: string[];
  readonly descriptors: Float32Array[];
  /** Captures in which describeStill found no face (its central square was described). */
  readonly noFace: number;
  /** Seconds it took to describe them. */
  readonly seconds: number;
}

let state: State | null = null;

const allFiles = (t: TargetPlan) => [...t.anchors, ...t.positives, ...t.verification, ...t.test];
const enrolmentFiles = (t: TargetPlan) => [...t.anchors, ...t.positives, ...t.verification];
const photoKey = (crop: CropMode, condition: Condition, person: string, file: string) => `${crop}|${condition}|${person}/${file}`;

/** The pixels of `square` (rounded, clipped to the frame) as RGB in [0, 1]: the capture the app stores, at the camera's resolution. */
function squarePixels(frame: ImageData, square: Square): tf.Tensor3D {
  return tf.tidy(() => {
    const x = Math.max(0, Math.round(square.x));
    const y = Math.max(0, Math.round(square.y));
    const w = Math.max(1, Math.min(frame.width - x, Math.round(square.size)));
    const h = Math.max(1, Math.min(frame.height - y, Math.round(square.size)));
    return tf.div(tf.slice(tf.browser.fromPixels(frame), [y, x, 0], [h, w, 3]), 255) as tf.Tensor3D;
  });
}

/** [0, 1] RGB → 0–255 values rounded as 8-bit pixels (the describer's input range). */
const to255 = (x: tf.Tensor3D) => tf.tidy(() => tf.round(tf.mul(tf.clipByValue(x, 0, 1), 255)) as tf.Tensor3D);

/** The face-recognition set-up: the backbone, and the describer on the set-up's detector. */
async function loadFaceRec(detector: FaceDetector, scoreThreshold: number): Promise<FaceRecState> {
  const t0 = performance.now();
  const b = await loadBackbone(import.meta.env.BASE_URL);
  return {
    detector,
    backbone: b.model,
    backboneVersion: b.version,
    loadSeconds: (performance.now() - t0) / 1000,
    describer: createFaceDescriber({ backbone: b.model, backboneVersion: b.version, detector, scoreThreshold }),
    squares: new Map(),
    frames: new Map(),
    bursts: new Map(),
    negatives: new Map(),
    pretrained: null,
  };
}

/**
 * What the live app computes from one camera frame with a face: describeFace(frame, face), for
 * each condition asked (same camera: the whole frame through the fixed camera transform).
 */
async function describeFrame(
  fr: FaceRecState,
  camera: ImageData,
  face: Face,
  conditions: readonly Condition[],
  key: string,
): Promise<number[]> {
  const ms: number[] = [];
  for (const condition of conditions) {
    const t0 = performance.now();
    if (condition === 'plain') {
      fr.frames.set(`plain|${key}`, await fr.describer.describeFace(camera, face));
    } else {
      const seen = tf.tidy(() => to255(cameraTransform(tf.div(tf.browser.fromPixels(camera), 255) as tf.Tensor3D)));
      try {
        fr.frames.set(`${condition}|${key}`, await fr.describer.describeFace(seen, face));
      } finally {
        seen.dispose();
      }
    }
    ms.push(performance.now() - t0);
  }
  return ms;
}

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
  const describeMs: number[] = [];
  let clamped = 0;
  let count = 0;
  let faceRec: FaceRecState | null = null;
  let squareMs = 0;
  try {
    if (setup.faceRec) faceRec = await loadFaceRec(detector, face.scoreThreshold);
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
          if (faceRec && setup.faceRec) {
            const key = `${t.name}/${file}`;
            const ts = performance.now();
            faceRec.squares.set(key, squarePixels(camera, crop.square));
            squareMs += performance.now() - ts;
            describeMs.push(...(await describeFrame(faceRec, camera, crop.face, setup.faceRec.conditions, key)));
          }
        } else {
          noFacePhotos.push(`${t.name}/${file}`);
        }
        count++;
      }
    }
  } catch (e) {
    tf.dispose([...photos.values()]);
    if (faceRec) disposeFaceRec(faceRec);
    else detector.dispose();
    throw e;
  }
  // The face-recognition describer keeps the detector (describeStill detects in each capture).
  if (!faceRec) detector.dispose();
  const negativeLabels = new Map(records.map((r) => [r.id, r.label]));
  state = { setup, photos, negativeIds, negativeLabels, negatives: new Map(), pretrained: null, faceRec };
  let faceRecInfo: FaceRecSetupInfo | null = null;
  if (faceRec) {
    const sides = [...faceRec.squares.values()].map((x) => x.shape[0]);
    faceRecInfo = {
      backboneVersion: faceRec.backboneVersion,
      describerVersion: faceRec.describer.version,
      framesDescribed: faceRec.frames.size,
      describeFaceMs: median(describeMs),
      medianSquareSide: median(sides),
      seconds: faceRec.loadSeconds + (squareMs + describeMs.reduce((a, b) => a + b, 0)) / 1000,
    };
  }
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
    faceRec: faceRecInfo,
    seconds: (performance.now() - t0) / 1000,
  };
}

function disposeFaceRec(fr: FaceRecState): void {
  tf.dispose([...fr.squares.values()]);
  if (fr.pretrained) disposeNetwork(fr.pretrained);
  fr.backbone.dispose();
  fr.detector.dispose();
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

export interface Trained {
  readonly history: EnrolmentResult['history'];
  readonly counts: Omit<EnrolmentResult['counts'], 'verification'>;
  readonly seconds: number;
  readonly medianStepMs: number;
  /** The calibration after training, as the app's training session does it (null: not asked, or too few held-out negatives). */
  readonly calibration: CalibrationResult | null;
  /** The cohort's logits as trained (before calibration), whether or not the variant calibrates. */
  readonly cohortLogits: number[] | null;
  /** The pairs it trained and tested on. */
  readonly split: PairSplit;
}

/** A set of samples as the network takes them: images [n, s, s, 3] (Koch) or descriptors [n, 128] (face recognition). */
export interface Inputs {
  readonly ids: string[];
  readonly images: tf.Tensor4D | tf.Tensor2D;
}

/** Where an enrolment's training inputs come from, per face model. */
export interface InputSource {
  /** Anchors and positives (the caller disposes the tensors). */
  anchors(): Promise<Inputs>;
  positives(): Promise<Inputs>;
  /** The bundled negatives of `ids`, in that order. */
  negatives(ids: readonly string[]): Promise<tf.Tensor4D | tf.Tensor2D>;
  /** Training-batch augmentation (the Koch network; the face-recognition network trains on descriptors, as the app's session does). */
  readonly augment: ReturnType<typeof augmentFunction> | undefined;
}

/** How an enrolment's pairs are made from its anchors' and positives' ids (and the bundled negatives). */
export type PairMaker = (anchors: readonly string[], positives: readonly string[], negatives: readonly string[]) => PairSplit;

/** One person's pairs: the app's buildPairs. */
const onePersonPairs =
  (training: TrainingConfig): PairMaker =>
  (anchors, positives, negatives) =>
    buildPairs({ anchors, positives, negatives }, training);

/**
 * Trains `net` on enrolment captures and the bundled negatives with the app's train(), then
 * calibrates as the app does. The pairs are one person's (buildPairs) unless `pairs` makes them
 * otherwise (the identification part's several people). `label` names the run in progress lines.
 */
export async function trainOn(
  net: SiameseNetwork,
  label: string,
  training: TrainingConfig,
  source: InputSource,
  pairs: PairMaker = onePersonPairs(training),
): Promise<Trained> {
  const anchors = await source.anchors();
  let positives: Inputs | null = null;
  let images: tf.Tensor4D | tf.Tensor2D;
  let split: PairSplit;
  let usedNegatives: string[];
  try {
    positives = await source.positives();
    // As the app's training session: the enrolment's pairs, then the face model's pairs of strangers.
    const strangers = strangerPairs(
      state!.negativeIds.map((id) => ({ id, label: state!.negativeLabels.get(id) })),
      STRANGER_PAIRS[faceModelOf(net.config)],
      training.seed,
    );
    split = withExtraPairs(pairs(anchors.ids, positives.ids, state!.negativeIds), strangers, training.trainFraction, training.seed);
    // The bundled negatives in the pairs: every id that is not one of the captures (several people's
    // pairs also pair captures with captures; pairs of strangers pair negatives with negatives).
    const own = new Set([...anchors.ids, ...positives.ids]);
    usedNegatives = [...new Set([...split.train, ...split.test].flatMap((p) => [p.a, p.b]).filter((id) => !own.has(id)))].sort();
    const negatives = await source.negatives(usedNegatives);
    images = tf.concat<tf.Tensor4D | tf.Tensor2D>([anchors.images, positives.images, negatives], 0);
    negatives.dispose();
  } finally {
    tf.dispose([anchors.images, ...(positives ? [positives.images] : [])]);
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
        augment: source.augment,
        onBatch: (p) => {
          steps.push(p.stepMs);
          if (performance.now() - lastLog > 15_000) {
            lastLog = performance.now();
            console.log(`[bench] ${label}: epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}, loss ${p.loss.toFixed(3)}`);
          }
        },
      },
    );
    let calibration: CalibrationResult | null = null;
    let logits: number[] | null = null;
    const cohort = calibrationCohort(
      anchors.ids.filter((id) => usedIds.has(id)),
      state!.negativeIds,
      usedIds,
      training.seed,
    );
    if (cohort) {
      const anchorRows = tf.gather(
        images,
        cohort.anchors.map((id) => ids.indexOf(id)),
      );
      const held = await source.negatives(cohort.negatives);
      try {
        if (training.calibrate) {
          // The face model's own target (CALIBRATION_TARGET_FAR), as the app's session calibrates.
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
      split,
    };
  } finally {
    images.dispose();
  }
}

/** The Koch network's training inputs: bursts of preprocessed crops, decoded negatives, the variant's augmentation. */
function kochInputs(s: State, target: TargetPlan, req: EnrolmentRequest, training: TrainingConfig): InputSource {
  const { crop } = req.variant;
  return {
    anchors: async () => bursts(s, crop, req.condition, target.name, target.anchors, 'anchor'),
    positives: async () => bursts(s, crop, req.condition, target.name, target.positives, 'positive'),
    negatives: (ids) => negativeImages(s, ids),
    augment: augmentFunction(training, AUGMENT_SETS[req.variant.augmentSet]),
  };
}

// ---------------------------------------------------------------------------------------------
// The face-recognition network's inputs: descriptors

/**
 * The descriptors of a burst of captures of each photo with a face (cached per condition, person
 * and kind): the face square (through the camera transform in the same-camera condition), jittered
 * with the same per-photo seed as the Koch crops, rounded to 8-bit pixels, described by
 * describeStill as the app describes a stored capture.
 */
export async function describedBurst(
  s: State,
  fr: FaceRecState,
  condition: Condition,
  person: string,
  files: readonly string[],
  tag: string,
): Promise<DescribedBurst> {
  const key = `${condition}|${tag}/${person}`;
  const cached = fr.bursts.get(key);
  if (cached) return cached;
  const t0 = performance.now();
  const n = s.setup.capturesPerPhoto;
  const ids: string[] = [];
  const descriptors: Float32Array[] = [];
  let noFace = 0;
  for (const file of files) {
    const square = fr.squares.get(`${person}/${file}`);
    if (!square) continue;
    const seed = photoSeed(s.setup.seed, person, file);
    // The same jitter (seed per photo) as the Koch crops' bursts, on the square at the camera's resolution.
    const burst = tf.tidy(() => {
      const seen = condition === 'plain' ? square : cameraTransform(square);
      return augmentBatch(tf.tile(tf.expandDims(seen, 0), [n, 1, 1, 1]) as tf.Tensor4D, seed, s.setup.jitter);
    });
    try {
      for (let k = 0; k < n; k++) {
        const capture = tf.tidy(() => to255(tf.squeeze(tf.slice(burst, [k, 0, 0, 0], [1, -1, -1, -1]), [0]) as tf.Tensor3D));
        try {
          const d = await fr.describer.describeStill(capture);
          if (!d.faceFound) noFace++;
          descriptors.push(d.descriptor);
          ids.push(`${tag}/${person}/${file}#${k}`);
        } finally {
          capture.dispose();
        }
      }
    } finally {
      burst.dispose();
    }
  }
  if (ids.length === 0) throw new Error(`no ${tag} photo of ${person} has a face square (no face found in any of their frames)`);
  const out = { ids, descriptors, noFace, seconds: (performance.now() - t0) / 1000 };
  fr.bursts.set(key, out);
  return out;
}

/** The bundled negatives' descriptors (described on first use, as the app's training describes them). */
export async function negativeDescriptors(fr: FaceRecState, ids: readonly string[]): Promise<tf.Tensor2D> {
  const missing = ids.filter((id) => !fr.negatives.has(id));
  if (missing.length > 0) {
    const blobs = await getSampleStore().getSampleBlobs(missing);
    for (let i = 0; i < missing.length; i++) {
      const blob = blobs[i];
      if (!blob) throw new Error(`negative ${missing[i]} has no image in the store`);
      fr.negatives.set(missing[i]!, (await fr.describer.describeStill(await decodePixels(blob, missing[i]!))).descriptor);
    }
  }
  return stackDescriptors(ids.map((id) => fr.negatives.get(id)!));
}

export const stackDescriptors = (ds: readonly Float32Array[]) =>
  tf.tensor2d(
    ds.flatMap((d) => Array.from(d)),
    [ds.length, ds[0]?.length ?? 0],
  );

function faceRecInputs(s: State, fr: FaceRecState, target: TargetPlan, req: EnrolmentRequest): InputSource {
  const inputs = async (files: readonly string[], tag: string): Promise<Inputs> => {
    const b = await describedBurst(s, fr, req.condition, target.name, files, tag);
    return { ids: b.ids, images: stackDescriptors(b.descriptors) };
  };
  return {
    anchors: () => inputs(target.anchors, 'anchor'),
    positives: () => inputs(target.positives, 'positive'),
    negatives: (ids) => negativeDescriptors(fr, ids),
    augment: undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Enrolments

/** The starting network of a variant, and whether this enrolment owns (and so disposes) it. */
async function startingNetwork(s: State, req: EnrolmentRequest): Promise<{ net: SiameseNetwork; owned: boolean }> {
  const base = import.meta.env.BASE_URL;
  if (req.variant.faceModel === 'facerec') {
    const fr = faceRecOf(s);
    if (req.variant.start === 'none') {
      // As the app verifies before any training: the shipped head with its calibrated bias.
      fr.pretrained ??= await loadPretrainedNetwork(base, DEFAULT_FACEREC_CONFIG);
      return { net: fr.pretrained, owned: false };
    }
    if (req.variant.start === 'scratch')
      throw new Error(`${req.variant.id}: the face-recognition head is only run from its pretrained weights`);
    // As the app's training: the shipped head, classifier bias as pretraining left it.
    return { net: await loadStartingNetwork(base, DEFAULT_FACEREC_CONFIG), owned: true };
  }
  switch (req.variant.start) {
    case 'none':
      // As the app verifies before any training: the pretrained model with its calibrated bias.
      s.pretrained ??= await loadPretrainedNetwork(base, DEFAULT_MODEL_CONFIG);
      return { net: s.pretrained, owned: false };
    case 'pretrained':
      // As the app's training (src/training worker and page): the pretrained model with the
      // classifier bias as pretraining left it (loadStartingNetwork undoes the calibration shift).
      return { net: await loadStartingNetwork(base, DEFAULT_MODEL_CONFIG), owned: true };
    case 'scratch': {
      const net = buildSiamese(DEFAULT_MODEL_CONFIG);
      seedWeights(net, s.setup.seed);
      return { net, owned: true };
    }
  }
}

export function faceRecOf(s: State): FaceRecState {
  if (!s.faceRec)
    throw new Error('a face-recognition variant runs, but the set-up did not load the face-recognition network (setup.faceRec)');
  return s.faceRec;
}

/**
 * The face-recognition attempts of `people` with the photos `filesOf` names: each frame's
 * descriptor (describeFace at set-up) against the verification captures' descriptors. A photo whose
 * frame has no face is an attempt the app denies. The pixel baseline is the Koch face crop's (the
 * same 100×100 crops against the same jittered verification captures).
 */
async function faceRecAttemptsOf(
  s: State,
  fr: FaceRecState,
  verifier: Verifier,
  pixelVerification: tf.Tensor4D,
  condition: Condition,
  people: readonly TargetPlan[],
  filesOf: (t: TargetPlan) => readonly string[],
): Promise<Attempt[]> {
  const out: Attempt[] = [];
  for (const t of people) {
    for (const file of filesOf(t)) {
      const descriptor = fr.frames.get(`${condition}|${t.name}/${file}`);
      const crop = photo(s, 'face', condition, t.name, file);
      if (!descriptor || !crop) {
        out.push({ person: t.name, file, verification: 0, granted: false, noFace: true, pixelDistance: 1, scores: [] });
        continue;
      }
      const x = tf.tensor1d(descriptor);
      let d: Awaited<ReturnType<Verifier['verify']>>;
      try {
        d = await verifier.verify(x, s.setup.verify);
      } finally {
        x.dispose();
      }
      const dist = tf.tidy(() => tf.mean(tf.abs(tf.sub(pixelVerification, crop))));
      const pixelDistance = (await dist.data())[0]!;
      dist.dispose();
      out.push({ person: t.name, file, verification: d.verification, granted: d.granted, noFace: false, pixelDistance, scores: d.scores });
    }
  }
  return out;
}

/** The model config and training config of a variant's face model. */
function trainingFor(s: State, req: EnrolmentRequest): { model: ModelConfig; training: TrainingConfig } {
  const { variant } = req;
  const base = variant.faceModel === 'facerec' ? s.setup.faceRecTraining : s.setup.training;
  return {
    model: variant.faceModel === 'facerec' ? DEFAULT_FACEREC_CONFIG : DEFAULT_MODEL_CONFIG,
    training: {
      ...base,
      start: variant.start === 'none' ? base.start : variant.start,
      augment: variant.augment,
      epochs: variant.epochs,
      freeze: variant.freeze,
      calibrate: variant.calibrate,
    },
  };
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
  const faceRec = variant.faceModel === 'facerec' ? faceRecOf(s) : null;
  // Crops through the camera, decoded negatives and the kept pretrained networks are cached for later runs, not leaked.
  const cachedTensors = () =>
    s.photos.size +
    s.negatives.size +
    (s.pretrained ? s.pretrained.model.weights.length : 0) +
    (s.faceRec?.pretrained ? s.faceRec.pretrained.model.weights.length : 0);
  const t0 = performance.now();
  const { net, owned } = await startingNetwork(s, req);
  const loadSeconds = (performance.now() - t0) / 1000;
  const before = tf.memory().numTensors - cachedTensors() - (owned ? net.model.weights.length : 0);
  const skippedPhotos = enrolmentFiles(target).filter((f) => !s.photos.has(photoKey(variant.crop, 'plain', target.name, f))).length;
  const described = new Set<DescribedBurst>();
  let trained: Trained | null = null;
  let verification: { ids: string[]; images: tf.Tensor4D } | null = null;
  let verifier: Verifier | null = null;
  let genuine: Attempt[];
  let impostor: Attempt[];
  let seen: Attempt[];
  let t2 = performance.now();
  try {
    const { training } = trainingFor(s, req);
    if (variant.start !== 'none') {
      const source = faceRec ? faceRecInputs(s, faceRec, target, req) : kochInputs(s, target, req, training);
      trained = await trainOn(net, `${target.name} (${variant.id}, ${condition})`, training, source);
    }
    // The verification captures' descriptors before the clock starts: verifySeconds (and the cost
    // per attempt) times the attempts, as for the Koch network, not the describing.
    if (faceRec) await describedBurst(s, faceRec, condition, target.name, target.verification, 'verification');
    t2 = performance.now();
    // The Koch network's verification captures; for the face-recognition network, the pixel baseline's.
    verification = bursts(s, variant.crop, condition, target.name, target.verification, 'verification');
    verifier = createVerifier(net);
    if (faceRec) {
      const b = await describedBurst(s, faceRec, condition, target.name, target.verification, 'verification');
      const descriptors = stackDescriptors(b.descriptors);
      try {
        verifier.setVerificationImages(descriptors);
      } finally {
        descriptors.dispose();
      }
      for (const kind of ['anchor', 'positive', 'verification']) {
        const x = faceRec.bursts.get(`${condition}|${kind}/${target.name}`);
        if (x) described.add(x);
      }
    } else {
      verifier.setVerificationImages(verification.images);
    }
    const score = (people: readonly TargetPlan[], filesOf: (t: TargetPlan) => readonly string[]) =>
      faceRec
        ? faceRecAttemptsOf(s, faceRec, verifier!, verification!.images, condition, people, filesOf)
        : attemptsOf(s, verifier!, verification!.images, variant.crop, condition, people, filesOf);
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
  const bursts_ = [...described];
  return {
    target: target.name,
    condition,
    variant: variant.id,
    genuine,
    impostor,
    seenGranted: seen.filter((a) => a.granted).length / seen.length,
    skippedPhotos,
    faceRecCaptures: faceRec
      ? {
          captures: bursts_.reduce((a, b) => a + b.ids.length, 0),
          noFace: bursts_.reduce((a, b) => a + b.noFace, 0),
          describeSeconds: bursts_.reduce((a, b) => a + b.seconds, 0),
        }
      : null,
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

/** The set-up's state (accuracySetup), for the identification part's runs on the same frames and captures. */
export function accuracyState(): State {
  if (!state) throw new Error('accuracySetup has not run');
  return state;
}

/** Frees the crops, the negatives, the kept pretrained networks and the face-recognition state. */
export function accuracyDispose(): void {
  if (!state) return;
  tf.dispose([...state.photos.values(), ...state.negatives.values()]);
  if (state.pretrained) disposeNetwork(state.pretrained);
  if (state.faceRec) disposeFaceRec(state.faceRec);
  state = null;
}
