/**
 * `npm run bench [-- options]`: builds the bench page, serves it, and runs each part in headless
 * Chromium with the app's own code (the pairs and liveness parts and the speed part's Node runs
 * in this process); writes <out>/latest.json and <out>/latest.md.
 *
 * Parts (see bench/README.md): speed (model forward, train step and face detection per backend in
 * Chromium; forward and train step in this Node process too, and the face-recognition tower's
 * backbone and head there), verify (cached verifier vs the reference way, with and without face
 * detection), import (LFW-layout .tgz into IndexedDB), pairs (LFW dev-test pair matching of the
 * pretrained Koch network and of the face-recognition tower), liveness (the head-turn check on
 * live turns and on a photo held up as a spoof), accuracy (the enrolment protocol on real faces, in
 * several variants). The page is built and Chromium started only for the parts
 * that use them.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PRETRAINED_FILES, PRETRAINED_PATH } from '../../src/model';
import { CALIBRATION, CALIBRATION_TARGET_FAR } from '../../src/training';
import {
  DEFAULT_CAPTURE_CONFIG,
  DEFAULT_FACE_CONFIG,
  DEFAULT_FACEREC_CONFIG,
  DEFAULT_MODEL_CONFIG,
  FACEREC_TRAINING_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  DEFAULT_VERIFY_CONFIG,
  REFERENCE_TRAINING_CONFIG,
  type AugmentConfigInput,
} from '../../src/config';
import { DEFAULT_CAMERA_PARAMS } from '../../src/augment';
import { accuracyWork, extrapolate, speedWork, verifyWork, type AccuracyPlan, type EnrolmentCosts } from '../common/estimate';
import { DEFAULT_FRAME_SPEC } from '../common/frame';
import { median, rocAuc } from '../../tools/common';
import { buildArchive, countPhotos, PAIR_FILES, planTargets, readPairsFile, SPLIT, type TargetPlan } from '../../tools/lfw';
import type {
  AccuracySetup,
  BackendSpeed,
  Condition,
  EnrolmentResult,
  IdentificationResult,
  ImportSpeed,
  NodeFaceRecSpeedRow,
  NodeSpeedRow,
  SetupInfo,
  SpeedFailure,
  VerifySpeedResult,
} from '../common/types';
import { APP_DEFAULT_VARIANT, buildVariantTable, KOCH_DEFAULT_VARIANT, planVariants, type VariantSpec } from '../common/variants';
import { launchBrowser, openPersistentSession, openSession, CHROMIUM_PATH, type BenchSession } from './browser';
import { FULL, HELP, needsPage, parseOptions, type BenchOptions } from './options';
import { renderMarkdown, type AccuracyReport, type BackendRow, type BenchReport, type Estimate, type PartTiming } from './report';
import { buildHarness, PHOTO_BASE, serveHarness } from './server';
import { pairsTable, runPairsPart } from './pairs';
import { LIVENESS_MIN_PHOTOS, planLivenessPeople, runLivenessPart } from './liveness';
import { identificationReport, planIdentification, type IdentificationReport } from './identification';
import { identificationRates } from '../common/identification';
import { DEFAULT_PEOPLE } from '../../src/data';
import { faceRecSpeedRequest, nodeSpeedRequests, pageSpeedRequests, speedFaceRecNode, speedNode } from './speed';
import { errorMessage } from '../../src/common';

/**
 * Camera-like jitter of a burst of captures from one photo (src/augment, seeded per photo): a shift
 * of up to ±3 px and a zoom of ±2 % (head movement), brightness ±0.04 (exposure), sensor noise
 * σ 0.005–0.02, and the JPEG (quality 90) the app stores captures with. No flip, colour cast,
 * blur or contrast change: one webcam, one sitting.
 */
export const CAPTURE_JITTER: AugmentConfigInput = {
  enabled: true,
  flip: { enabled: false },
  shift: { enabled: true, min: -0.03, max: 0.03 },
  scale: { enabled: true, min: 0.98, max: 1.02 },
  colorCast: { enabled: false },
  brightness: { enabled: true, min: -0.04, max: 0.04 },
  contrast: { enabled: false },
  saturation: { enabled: false },
  blur: { enabled: false },
  noise: { enabled: true, min: 0.005, max: 0.02 },
  jpegQuality: { enabled: true, min: 90, max: 90 },
};

const cores = () => os.availableParallelism?.() ?? os.cpus().length;
/** hardwareConcurrency that lets tfjs-backend-wasm run `threads` threads (pool = min(threads, hc / 2)). */
const concurrencyFor = (threads: number) => (2 * threads > cores() ? { hardwareConcurrency: 2 * threads } : {});

function log(msg: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

async function timed<T>(what: string, timings: PartTiming[], where: string, fn: () => Promise<T>): Promise<T> {
  log(`${what}…`);
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    const seconds = (performance.now() - t0) / 1000;
    timings.push({ part: what, seconds, where });
    log(`${what} done in ${seconds.toFixed(1)} s`);
  }
}

async function withSession<T>(open: Promise<BenchSession>, fn: (s: BenchSession) => Promise<T>): Promise<T> {
  const s = await open;
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

type Reps = Pick<BenchOptions, 'warmup' | 'forwardReps' | 'stepReps'>;

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

function logSpeed(label: string, r: { embedForwardMs: number; trainStepMs: number | null; note: string }, detection: string): void {
  log(
    `  ${label}: forward ${r.embedForwardMs.toFixed(1)} ms, step ${r.trainStepMs === null ? '—' : `${r.trainStepMs.toFixed(0)} ms`}${detection} (${r.note})`,
  );
}

function speedFailure(label: string, backend: string, threads: number, e: unknown): SpeedFailure {
  const error = errorMessage(e).split('\n')[0]!;
  log(`  ${label} FAILED: ${error}`);
  return { backend, threads, error };
}

async function runSpeed(
  o: BenchOptions,
  framePhoto: string,
  origin: string,
  browser: Browser,
): Promise<{ backends: BackendRow[]; hardwareConcurrency: number[] }> {
  const backends: BackendRow[] = [];
  const hc: number[] = [];
  for (const req of pageSpeedRequests(o, framePhoto)) {
    const label = `Chromium ${req.backend}${req.backend === 'wasm' ? ` ×${req.threads}` : ''}`;
    try {
      const r = await withSession(openSession(browser, origin, req.backend === 'wasm' ? concurrencyFor(req.threads) : {}), async (s) => {
        hc.push(s.hardwareConcurrency);
        return s.page.evaluate((q) => window.__bench!.speedBackend(q), req);
      });
      if (req.backend === 'wasm' && r.threads !== req.threads)
        throw new Error(`asked for ${req.threads} wasm threads, the backend runs ${r.threads}`);
      if (r.leakedTensors !== 0) throw new Error(`the run left ${r.leakedTensors} tensors behind`);
      backends.push(r);
      logSpeed(label, r, `, face detection ${r.detectMs.toFixed(1)} ms (${r.facesFound} found)`);
    } catch (e) {
      backends.push(speedFailure(label, req.backend, req.threads, e));
    }
  }
  return { backends, hardwareConcurrency: hc };
}

/** The speed part in this Node process (bench/node/speed.ts); every later Node part selects its own backend. */
async function runSpeedNode(o: BenchOptions): Promise<NodeSpeedRow[]> {
  const rows: NodeSpeedRow[] = [];
  for (const req of nodeSpeedRequests(o)) {
    const label = `Node ${req.backend}`;
    try {
      const r = await speedNode(req);
      if (r.leakedTensors !== 0) throw new Error(`the run left ${r.leakedTensors} tensors behind`);
      rows.push(r);
      logSpeed(label, r, '');
    } catch (e) {
      rows.push(speedFailure(label, req.backend, 1, e));
    }
  }
  return rows;
}

/** The face-recognition tower's rows in this Node process (wasm; bench/node/speed.ts speedFaceRecNode). */
async function runFaceRecSpeedNode(o: BenchOptions): Promise<NodeFaceRecSpeedRow[]> {
  try {
    const r = await speedFaceRecNode(faceRecSpeedRequest(o));
    if (r.leakedTensors !== 0) throw new Error(`the run left ${r.leakedTensors} tensors behind`);
    log(
      `  Node wasm, face recognition: backbone ${r.forwardMs.toFixed(1)} ms (1 chip), ${r.batchPerChipMs.toFixed(1)} ms a chip at batch ${r.batchSize}; head ${r.head.map((h) => `n ${h.n}: ${h.ms.toFixed(2)} ms`).join(', ')}`,
    );
    return [r];
  } catch (e) {
    return [speedFailure('Node wasm, face recognition', 'wasm', 1, e)];
  }
}

async function runImport(o: BenchOptions, origin: string): Promise<ImportSpeed> {
  const cache = path.join(o.out, '.cache');
  await mkdir(cache, { recursive: true });
  const archive = await buildArchive(o.data, path.join(cache, 'lfw-bench.tgz'), o.importImages);
  log(
    `  archive: ${archive.images} photos of ${archive.people} people, ${(archive.bytes / 2 ** 20).toFixed(1)} MB, built in ${archive.seconds.toFixed(1)} s`,
  );
  try {
    const m = await withSession(openPersistentSession(origin), async (s) => {
      await s.page.setInputFiles('#archive', archive.file);
      return s.page.evaluate(() => window.__bench!.importArchive());
    });
    if (m.images !== archive.images || m.storedAfter !== archive.images) {
      throw new Error(
        `the archive holds ${archive.images} photos; ${m.images} were imported and ${m.storedAfter} are stored (${m.skipped} skipped)`,
      );
    }
    return {
      images: m.images,
      seconds: m.seconds,
      imagesPerSecond: m.images / m.seconds,
      peakHeapMB: m.peakHeapMB,
      startHeapMB: m.startHeapMB,
      skipped: m.skipped,
      storedAfter: m.storedAfter,
      archiveMB: m.archiveMB,
      people: archive.people,
      archiveBuildSeconds: archive.seconds,
    };
  } finally {
    await rm(archive.file, { force: true });
  }
}

/**
 * `--scores FILE`: each enrolment's attempts with their scores (as the variant verifies: after its
 * calibration, whose bias shift is given) and its calibration cohort's logits as trained, for
 * studying operating points offline (e.g. another calibration target) without training again.
 */
async function writeScores(file: string, results: readonly EnrolmentResult[]): Promise<void> {
  const attempts = (xs: EnrolmentResult['genuine']) =>
    xs.map((a) => ({ person: a.person, file: a.file, noFace: a.noFace, scores: a.scores }));
  const enrolments = results.map((r) => ({
    target: r.target,
    variant: r.variant,
    condition: r.condition,
    biasShift: r.calibration?.biasShift ?? 0,
    cohortLogits: r.cohortLogits,
    genuine: attempts(r.genuine),
    impostor: attempts(r.impostor),
  }));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ format: 'siamese-bench-scores', version: 1, enrolments })}\n`);
  log(`  scores of ${results.length} enrolments written to ${file}`);
}

function logEnrolment(r: EnrolmentResult): void {
  const denied = r.genuine.filter((a) => !a.granted).length;
  const granted = r.impostor.filter((a) => a.granted).length;
  const last = r.history.at(-1);
  const c = r.calibration;
  const calibrated = c
    ? `calibrated (cohort above 0.5: ${(100 * c.farBefore).toFixed(1)} % → ${(100 * c.farAfter).toFixed(1)} %, bias ${c.biasShift >= 0 ? '+' : ''}${c.biasShift.toFixed(2)}), `
    : '';
  const training = last
    ? `trained ${r.trainSeconds.toFixed(0)} s (step ${r.medianStepMs.toFixed(0)} ms, test loss ${last.testLoss.toFixed(3)}, acc ${last.accuracy.toFixed(2)}), ${calibrated}`
    : '';
  log(
    `  ${r.target} / ${r.variant} / ${r.condition}: start ${r.loadSeconds.toFixed(1)} s, ${training}genuine denied ${denied}/${r.genuine.length}, impostors granted ${granted}/${r.impostor.length}, ` +
      `own enrolment photos granted ${(100 * r.seenGranted).toFixed(0)} %, AUC ${enrolmentAuc(r).toFixed(3)}, ${r.msPerAttempt.toFixed(0)} ms an attempt`,
  );
  if (r.leakedTensors !== 0) throw new Error(`an enrolment run left ${r.leakedTensors} tensors behind`);
}

/** AUC of one enrolment's verification fractions, genuine vs impostor. */
const enrolmentAuc = (r: EnrolmentResult) =>
  rocAuc(
    r.genuine.map((a) => a.verification),
    r.impostor.map((a) => a.verification),
  );

function enrolmentSummary(r: EnrolmentResult): AccuracyReport['enrolments'][number] {
  const mean = (xs: readonly { verification: number }[]) => xs.reduce((a, x) => a + x.verification, 0) / xs.length;
  return {
    target: r.target,
    variant: r.variant,
    condition: r.condition,
    frr: r.genuine.filter((a) => !a.granted).length / r.genuine.length,
    far: r.impostor.filter((a) => a.granted).length / r.impostor.length,
    genuine: r.genuine.length,
    impostor: r.impostor.length,
    noFace: r.genuine.filter((a) => a.noFace).length + r.impostor.filter((a) => a.noFace).length,
    meanGenuineVerification: mean(r.genuine),
    meanImpostorVerification: mean(r.impostor),
    auc: enrolmentAuc(r),
    seenGranted: r.seenGranted,
    skippedPhotos: r.skippedPhotos,
    faceRecCaptures: r.faceRecCaptures,
    counts: r.counts,
    history: r.history,
    calibration: r.calibration,
    loadSeconds: r.loadSeconds,
    trainSeconds: r.trainSeconds,
    verifySeconds: r.verifySeconds,
    msPerAttempt: r.msPerAttempt,
    medianStepMs: r.medianStepMs,
  };
}

/** The accuracy part's unit costs in this run (medians over its enrolments), for the run-time estimate. */
function enrolmentCosts(results: readonly EnrolmentResult[], batchSize: number, faceRecBatchSize: number): EnrolmentCosts {
  const variants = planVariants(1, 1, DEFAULT_TRAINING_CONFIG);
  const modelOf = new Map(variants.map((v) => [v.id, v.faceModel]));
  const costsOf = (mine: readonly EnrolmentResult[], batch: number) => {
    const trained = mine.filter((r) => r.history.length > 0);
    const loads = (start: VariantSpec['start']) => {
      const ids = new Set(variants.filter((v) => v.start === start).map((v) => v.id));
      const xs = mine.filter((r) => ids.has(r.variant)).map((r) => r.loadSeconds);
      return xs.length > 0 ? median(xs) : 0;
    };
    const evalMs = trained.map((r) => {
      const epochMs = r.history.reduce((a, h) => a + h.epochMs, 0) / r.history.length;
      return Math.max(0, (epochMs - Math.ceil(r.counts.trainPairs / batch) * r.medianStepMs) / r.counts.testPairs);
    });
    return {
      stepMs: trained.length > 0 ? median(trained.map((r) => r.medianStepMs)) : 0,
      evalMsPerPair: evalMs.length > 0 ? median(evalMs) : 0,
      msPerAttempt: mine.length > 0 ? median(mine.map((r) => r.msPerAttempt)) : 0,
      loadSeconds: { pretrained: loads('pretrained'), scratch: loads('scratch'), none: loads('none') },
    };
  };
  const faceRec = results.filter((r) => modelOf.get(r.variant) === 'facerec');
  const described = faceRec.flatMap((r) =>
    r.faceRecCaptures && r.faceRecCaptures.captures > 0 ? [(1000 * r.faceRecCaptures.describeSeconds) / r.faceRecCaptures.captures] : [],
  );
  return {
    ...costsOf(
      results.filter((r) => modelOf.get(r.variant) !== 'facerec'),
      batchSize,
    ),
    faceRec:
      faceRec.length === 0 ? null : { ...costsOf(faceRec, faceRecBatchSize), describeMs: described.length > 0 ? median(described) : 0 },
  };
}

/** The accuracy part's work for some targets and settings (see bench/common/estimate.ts). */
function accuracyPlan(
  targets: readonly TargetPlan[],
  variants: readonly VariantSpec[],
  o: Pick<BenchOptions, 'sameCamera' | 'capturesPerPhoto' | 'samplesPerClass'>,
  negatives: number,
): AccuracyPlan {
  return {
    testPhotos: targets.map((t) => t.test.length),
    anchorPhotos: SPLIT.anchors[1] - SPLIT.anchors[0],
    positivePhotos: SPLIT.positives[1] - SPLIT.positives[0],
    verificationPhotos: SPLIT.verification[1] - SPLIT.verification[0],
    variants,
    conditions: o.sameCamera ? 2 : 1,
    capturesPerPhoto: o.capturesPerPhoto,
    samplesPerClass: o.samplesPerClass,
    trainFraction: DEFAULT_TRAINING_CONFIG.trainFraction,
    batchSize: DEFAULT_TRAINING_CONFIG.batchSize,
    faceRecBatchSize: FACEREC_TRAINING_CONFIG.batchSize,
    negatives,
    calibrationNegatives: CALIBRATION.negatives,
  };
}

/** A short SHA-256 of a bundled pretrained model's model.json (its weights' quantization and manifest): which model a run used. */
async function pretrainedVersion(root: string, file = PRETRAINED_PATH): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path.join(root, 'public', file)))
    .digest('hex')
    .slice(0, 16);
}

/** The shipped face-recognition head's model.json (public/models/face-recognition-head). */
const FACEREC_HEAD_FILE = PRETRAINED_FILES.facerec.path;

/** The conditions of the accuracy and identification parts: plain, and same camera unless --same-camera off. */
const conditionsOf = (o: Pick<BenchOptions, 'sameCamera'>): readonly Condition[] => (o.sameCamera ? ['plain', 'sameCamera'] : ['plain']);

/**
 * The accuracy page's set-up for `targets` (the accuracy and identification parts): the app's
 * training configs (Koch, face recognition), each accuracy variant setting start, augment and
 * epochs (bench/page/accuracy.ts); --learning-rate is the Koch network's, the face-recognition head
 * keeps its own. `faceRec`: whether the face-recognition network's frames and captures are made.
 */
function accuracySetupOf(o: BenchOptions, targets: readonly TargetPlan[], faceRec: boolean): AccuracySetup {
  return {
    targets,
    photoBase: PHOTO_BASE,
    threads: o.accuracyThreads,
    training: { ...DEFAULT_TRAINING_CONFIG, samplesPerClass: o.samplesPerClass, learningRate: o.learningRate, seed: o.seed },
    faceRecTraining: { ...FACEREC_TRAINING_CONFIG, samplesPerClass: o.samplesPerClass, seed: o.seed },
    faceRec: faceRec ? { conditions: conditionsOf(o) } : null,
    verify: DEFAULT_VERIFY_CONFIG,
    capture: DEFAULT_CAPTURE_CONFIG,
    face: DEFAULT_FACE_CONFIG,
    frame: DEFAULT_FRAME_SPEC,
    capturesPerPhoto: o.capturesPerPhoto,
    jitter: CAPTURE_JITTER,
    seed: o.seed,
  };
}

async function runAccuracy(o: BenchOptions, root: string, origin: string, browser: Browser): Promise<AccuracyReport> {
  const pretrained = await pretrainedVersion(root);
  const head = await pretrainedVersion(root, FACEREC_HEAD_FILE);
  const targets = await planTargets(o.data, o.people, o.minPhotos, o.maxPeople, o.maxTest);
  const variants = planVariants(o.epochs, o.scratchEpochs, DEFAULT_TRAINING_CONFIG, o.variants);
  const conditions = conditionsOf(o);
  const setup = accuracySetupOf(
    o,
    targets,
    variants.some((v) => v.faceModel === 'facerec'),
  );
  const { training, faceRecTraining } = setup;
  log(
    `  targets: ${targets.map((t) => `${t.name} (${t.test.length} test photos)`).join(', ')}; variants: ${variants.map((v) => v.id).join(', ')}; conditions: ${conditions.join(', ')}`,
  );
  return withSession(openSession(browser, origin, concurrencyFor(o.accuracyThreads)), async (s) => {
    const info: SetupInfo = await s.page.evaluate((q) => window.__bench!.accuracySetup(q), setup);
    const face = info.crops.find((c) => c.crop === 'face');
    log(
      `  page ready in ${info.seconds.toFixed(0)} s: ${info.backend.reason}; ${info.negatives.count} bundled negatives; ${info.photos} photos in simulated frames, ` +
        `no face found in ${face?.noFace ?? 0} (detection ${info.detectMs.toFixed(0)} ms a frame)` +
        (info.faceRec
          ? `; face recognition: backbone ${info.faceRec.backboneVersion}, ${info.faceRec.framesDescribed} frames described (${info.faceRec.describeFaceMs.toFixed(0)} ms each), face squares of ${info.faceRec.medianSquareSide} px (median)`
          : ''),
    );
    const results: EnrolmentResult[] = [];
    for (const condition of conditions) {
      for (let t = 0; t < targets.length; t++) {
        for (const variant of variants) {
          const r = await s.page.evaluate((q) => window.__bench!.accuracyRun(q), { target: t, condition, variant });
          logEnrolment(r);
          results.push(r);
        }
      }
    }
    if (o.scores) await writeScores(o.scores, results);
    for (const [file, version] of [
      [PRETRAINED_PATH, pretrained],
      [FACEREC_HEAD_FILE, head],
    ] as const) {
      if ((await pretrainedVersion(root, file)) !== version)
        throw new Error(`public/${file} changed during the accuracy part: its numbers mix two models; run it again`);
    }
    const rows = buildVariantTable(variants, results, DEFAULT_VERIFY_CONFIG.verificationThreshold);
    const app = rows.find((r) => r.id === APP_DEFAULT_VARIANT)!;
    const koch = rows.find((r) => r.id === KOCH_DEFAULT_VARIANT) ?? null;
    const only = (x: { frr: number; far: number; eer: number; auc: number }) => ({ frr: x.frr, far: x.far, eer: x.eer, auc: x.auc });
    return {
      people: targets.map((t) => t.name),
      settings: {
        where:
          'headless Chromium, bench page (production build), main thread' +
          (2 * o.accuracyThreads > cores()
            ? `; the page reports hardwareConcurrency ${2 * o.accuracyThreads} (DevTools override) so that wasm runs ${o.accuracyThreads} threads`
            : ''),
        data: o.data,
        peopleFile: o.people,
        minPhotos: o.minPhotos,
        maxPeople: o.maxPeople,
        maxTest: o.maxTest,
        split: { anchors: '1–5', positives: '6–10', verification: '11–15', test: `${SPLIT.testFrom + 1}+` },
        modelConfig: DEFAULT_MODEL_CONFIG,
        params: info.params,
        pretrained: { file: `public/${PRETRAINED_PATH}`, sha256: pretrained },
        training,
        appTraining: DEFAULT_TRAINING_CONFIG,
        referenceEpochs: REFERENCE_TRAINING_CONFIG.epochs,
        verify: DEFAULT_VERIFY_CONFIG,
        capture: DEFAULT_CAPTURE_CONFIG,
        face: DEFAULT_FACE_CONFIG,
        frame: DEFAULT_FRAME_SPEC,
        capturesPerPhoto: o.capturesPerPhoto,
        jitter: CAPTURE_JITTER,
        camera: DEFAULT_CAMERA_PARAMS,
        negatives: info.negatives,
        backend: info.backend,
        seed: o.seed,
        conditions: [...conditions],
        faceRec: {
          modelConfig: DEFAULT_FACEREC_CONFIG,
          head: { file: `public/${FACEREC_HEAD_FILE}`, sha256: head },
          training: faceRecTraining,
          appTraining: FACEREC_TRAINING_CONFIG,
          calibrationTargetFar: CALIBRATION_TARGET_FAR.facerec,
          setup: info.faceRec,
        },
      },
      appDefault: APP_DEFAULT_VARIANT,
      frr: app.frr,
      far: app.far,
      eer: app.eer,
      auc: app.auc,
      attempts: app.attempts,
      noFace: app.noFace,
      sameCamera: app.sameCamera && only(app.sameCamera),
      pixelBaseline: app.pixelBaseline,
      pixelBaselineSameCamera: app.sameCamera?.pixelBaseline ?? null,
      points: app.points,
      sameCameraPoints: app.sameCamera?.points ?? null,
      goals: app.goals,
      kochDefault: koch && {
        variant: koch.id,
        ...only(koch),
        sameCamera: koch.sameCamera && only(koch.sameCamera),
        points: koch.points,
        sameCameraPoints: koch.sameCamera?.points ?? null,
        goals: koch.goals,
      },
      variants: rows,
      crops: info.crops,
      noFacePhotos: info.noFacePhotos,
      detectMs: info.detectMs,
      photos: info.photos,
      enrolments: results.map(enrolmentSummary),
      costs: enrolmentCosts(results, training.batchSize, faceRecTraining.batchSize),
      setupSeconds: info.seconds,
    };
  });
}

/** A rate as a percentage for the log. */
const pc = (x: number | null, digits = 1) => (x === null ? '—' : `${(100 * x).toFixed(digits)} %`);

/**
 * The identification part (bench/node/identification.ts, bench/page/identification.ts): the
 * accuracy page's set-up on the enrolled and the non-enrolled people's photos, then per condition
 * one model for the enrolled with the pairs across people and one without.
 */
async function runIdentification(o: BenchOptions, origin: string, browser: Browser): Promise<IdentificationReport> {
  const plan = await planIdentification(o);
  const conditions = conditionsOf(o);
  const setup = accuracySetupOf(o, [...plan.enrolled, ...plan.others], true);
  log(
    `  enrolled: ${plan.enrolled.map((t) => `${t.name} (${t.test.length} test photos)`).join(', ')}; ` +
      `not enrolled: ${plan.others.map((t) => `${t.name} (${t.test.length})`).join(', ')}; conditions: ${conditions.join(', ')}`,
  );
  return withSession(openSession(browser, origin, concurrencyFor(o.accuracyThreads)), async (s) => {
    const info: SetupInfo = await s.page.evaluate((q) => window.__bench!.accuracySetup(q), setup);
    log(
      `  page ready in ${info.seconds.toFixed(0)} s: ${info.photos} photos in simulated frames, no face found in ${info.noFacePhotos.length}` +
        (info.faceRec ? `, ${info.faceRec.framesDescribed} frames described (${info.faceRec.describeFaceMs.toFixed(0)} ms each)` : ''),
    );
    const enrolled = plan.enrolled.map((_, i) => i);
    const others = plan.others.map((_, i) => plan.enrolled.length + i);
    const results: IdentificationResult[] = [];
    for (const condition of conditions) {
      for (const cross of [true, false]) {
        const r: IdentificationResult = await s.page.evaluate((q) => window.__bench!.identificationRun(q), {
          enrolled,
          others,
          condition,
          cross,
          margin: DEFAULT_PEOPLE.margin,
        });
        if (r.leakedTensors !== 0) throw new Error(`an identification run left ${r.leakedTensors} tensors behind`);
        const row = identificationRates(r.people, r.attempts);
        const last = r.history.at(-1);
        log(
          `  ${condition}, ${cross ? 'with' : 'without'} cross pairs: ${r.counts.trainPairs} + ${r.counts.testPairs} pairs (${r.counts.crossPairs} across people), ` +
            `described ${r.describeSeconds.toFixed(0)} s (negatives ${r.negativeSeconds.toFixed(0)} s), trained ${r.trainSeconds.toFixed(0)} s${last ? ` (test loss ${last.testLoss.toFixed(3)}, acc ${last.accuracy.toFixed(3)})` : ''}; ` +
            `rank-1 ${pc(row.rank1)}, granted as self ${pc(row.grantedAsSelf)}, wrong person ${pc(row.wrongPersonGrants, 2)}, ` +
            `non-enrolled granted ${pc(row.nonEnrolledFar, 2)} (${row.counts.nonEnrolledGranted}/${row.nonEnrolledAttempts})`,
        );
        results.push(r);
      }
    }
    return identificationReport(plan, results, o, info.seconds);
  });
}

/**
 * The full run's time (`npm run bench` with its defaults) from this run's measurements: each part
 * modelled with bench/common/estimate.ts, priced with this run's timings.
 */
async function estimateFullRun(r: BenchReport, o: BenchOptions): Promise<Estimate> {
  const parts: Estimate['parts'][number][] = [];
  const seconds = (part: string) => r.parts.find((p) => p.part === part)?.seconds;
  const build = seconds('build');
  if (build !== undefined) parts.push({ part: 'build', measuredSeconds: build, estimatedSeconds: build, basis: 'the same' });
  const speed = seconds('speed');
  if (speed !== undefined) {
    // Each row with the request it ran (same order); failed runs are not priced.
    const model = (reps: Reps) => {
      const plan = { ...reps, seed: o.seed };
      const pageReqs = pageSpeedRequests(plan, '');
      const nodeReqs = nodeSpeedRequests(plan);
      return speedWork([
        ...r.speed.backends.flatMap((b, i) => ('error' in b ? [] : [{ cost: b, reps: pageReqs[i]! }])),
        ...r.speed.node.flatMap((b, i) =>
          'error' in b
            ? []
            : [{ cost: { embedForwardMs: b.embedForwardMs, detectMs: null, trainStepMs: b.trainStepMs }, reps: nodeReqs[i]! }],
        ),
        // The face-recognition rows: each timed call (backbone at batch 1 and at the batch, head per n) runs warm-up + reps times.
        ...r.speed.faceRecNode.flatMap((b) =>
          'error' in b
            ? []
            : [
                {
                  cost: {
                    embedForwardMs: b.forwardMs + b.batchForwardMs + b.head.reduce((t, h) => t + h.ms, 0),
                    detectMs: null,
                    trainStepMs: null,
                  },
                  reps: plan,
                },
              ],
        ),
      ]);
    };
    parts.push({
      part: 'speed',
      measuredSeconds: speed,
      estimatedSeconds: extrapolate(speed, model(o), model(FULL)),
      basis: `${FULL.warmup} + ${FULL.forwardReps} forward passes (and detections in Chromium), ${FULL.warmup} + ${FULL.stepReps} steps per backend, in Chromium and in Node; ${FULL.warmup} + ${FULL.forwardReps} calls of each face-recognition timing in Node`,
    });
  }
  const verify = seconds('verify');
  if (verify !== undefined && r.speed.verify) {
    const rows = r.speed.verify;
    const now = verifyWork(rows, { warmup: o.warmup, cachedReps: o.verifyCachedReps, naiveReps: o.verifyNaiveReps });
    const full = verifyWork(rows, { warmup: FULL.warmup, cachedReps: FULL.verifyCachedReps, naiveReps: FULL.verifyNaiveReps });
    parts.push({
      part: 'verify',
      measuredSeconds: verify,
      estimatedSeconds: extrapolate(verify, now, full),
      basis: `${FULL.verifyCachedReps} frames each way, ${FULL.verifyNaiveReps} reference-way frames per n`,
    });
  }
  const imp = seconds('import');
  if (imp !== undefined && r.speed.import) {
    const all = await countPhotos(o.data);
    parts.push({
      part: 'import',
      measuredSeconds: imp,
      estimatedSeconds: imp * (all / r.speed.import.images),
      basis: `${all.toLocaleString('en')} photos at this run's rate`,
    });
  }
  const pairs = seconds('pairs');
  if (pairs !== undefined && r.pairs[0]) {
    const f = r.pairs[0].files;
    const koch = r.pairs.filter((p) => p.tower === 'koch').length;
    const facerec = r.pairs.length - koch;
    const [train, test] = await Promise.all([
      readPairsFile(path.join(o.pairsMeta, PAIR_FILES.devTrain)),
      readPairsFile(path.join(o.pairsMeta, PAIR_FILES.devTest)),
    ]);
    const all = train.length + test.length;
    parts.push({
      part: 'pairs',
      measuredSeconds: pairs,
      estimatedSeconds: pairs * (all / (f.devTrain.pairs + f.devTest.pairs)),
      basis: `all ${all.toLocaleString('en')} pairs at this run's rate: Koch ${koch} crop(s)${facerec > 0 ? ', face recognition' : ''}`,
    });
  }
  const live = seconds('liveness');
  if (live !== undefined && r.liveness) {
    const all = (await planLivenessPeople(o.data, o.people, FULL.maxPeople, o.seed)).length;
    parts.push({
      part: 'liveness',
      measuredSeconds: live,
      estimatedSeconds: live * (all / r.liveness.people),
      basis: `${all} people with ≥ ${LIVENESS_MIN_PHOTOS} photos at this run's rate`,
    });
  }
  const ident = seconds('identification');
  const id = r.identification;
  if (ident !== undefined && id) {
    // Set-up: frames per photo and condition; describing: captures per condition; bundled
    // negatives: those of the pairs (samples per class) and the calibration cohort's; training: the
    // pairs, which grow with each person's anchor and positive captures up to samples per class;
    // the rest (loading, scoring) per condition.
    const full = await planIdentification({ ...o, maxPeople: FULL.maxPeople, maxTest: FULL.maxTest });
    const photos = (p: { enrolled: readonly { testPhotos: number }[]; nonEnrolled: readonly { photos: number }[] }) =>
      p.enrolled.reduce((n, t) => n + SPLIT.testFrom + t.testPhotos, 0) + p.nonEnrolled.reduce((n, t) => n + t.photos, 0);
    const fullPhotos = photos({
      enrolled: full.enrolled.map((t) => ({ testPhotos: t.test.length })),
      nonEnrolled: full.others.map((t) => ({ photos: t.test.length })),
    });
    const nowConditions = id.settings.conditions.length;
    const captures = (people: number, perPhoto: number, conditions: number) => people * SPLIT.testFrom * perPhoto * conditions;
    const classPhotos = SPLIT.anchors[1] - SPLIT.anchors[0];
    const used = (people: number, perPhoto: number, samples: number, conditions: number) =>
      people * Math.min(samples, classPhotos * perPhoto) * conditions;
    const sum = (f: (x: IdentificationReport['runs'][number]) => number) => id.runs.reduce((t, x) => t + f(x), 0);
    const described = sum((x) => x.describeSeconds);
    const negatives = sum((x) => x.negativeSeconds);
    // trainSeconds may include describing the cohort's negatives: counted with the negatives.
    const trained = sum((x) => Math.max(0, x.trainSeconds - x.negativeSeconds));
    const setup = id.setupSeconds * ((2 * fullPhotos) / (nowConditions * photos(id)));
    const describe =
      described * (captures(full.enrolled.length, FULL.capturesPerPhoto, 2) / captures(id.people, o.capturesPerPhoto, nowConditions));
    const negs = negatives * ((FULL.samplesPerClass + CALIBRATION.negatives) / (o.samplesPerClass + CALIBRATION.negatives));
    const train =
      trained *
      (used(full.enrolled.length, FULL.capturesPerPhoto, FULL.samplesPerClass, 2) /
        used(id.people, o.capturesPerPhoto, o.samplesPerClass, nowConditions));
    const rest = Math.max(0, ident - id.setupSeconds - described - negatives - trained) * (2 / nowConditions);
    parts.push({
      part: 'identification',
      measuredSeconds: ident,
      estimatedSeconds: setup + describe + negs + train + rest,
      basis:
        `${full.enrolled.length} people enrolled and ${full.others.length} not, both conditions, with and without cross pairs: ` +
        `set-up of ${fullPhotos} photos, ${captures(full.enrolled.length, FULL.capturesPerPhoto, 2).toLocaleString('en')} captures described, ` +
        `up to ${FULL.samplesPerClass + CALIBRATION.negatives} bundled negatives, training scaled by the captures used`,
    });
  }
  const acc = seconds('accuracy');
  const a = r.accuracy;
  if (acc !== undefined && a) {
    const fullTargets = await planTargets(o.data, o.people, o.minPhotos, FULL.maxPeople, FULL.maxTest);
    const fullOptions = { sameCamera: true, capturesPerPhoto: FULL.capturesPerPhoto, samplesPerClass: FULL.samplesPerClass };
    // A full run trains full batches of 16; a quick run's single step an epoch may be a smaller
    // batch. Price a step by the speed part's full-batch step on the accuracy page's backend
    // (same run, same machine) when it ran, else by the accuracy part's own median step.
    const speedStep =
      r.speed.backends.find((b): b is BackendSpeed => !('error' in b) && b.backend === 'wasm' && b.threads === o.accuracyThreads)
        ?.trainStepMs ?? null;
    const costs = speedStep === null ? a.costs : { ...a.costs, stepMs: speedStep };
    const nowWork = accuracyWork(
      accuracyPlan(
        a.people.map((p) => ({
          name: p,
          anchors: [],
          positives: [],
          verification: [],
          test: Array.from({ length: a.enrolments.find((e) => e.target === p)!.genuine }),
        })),
        planVariants(o.epochs, o.scratchEpochs, DEFAULT_TRAINING_CONFIG, o.variants),
        o,
        a.settings.negatives.count,
      ),
      a.costs,
    );
    const fullWork = accuracyWork(
      accuracyPlan(
        fullTargets,
        planVariants(FULL.epochs, FULL.scratchEpochs, DEFAULT_TRAINING_CONFIG),
        fullOptions,
        a.settings.negatives.count,
      ),
      costs,
    );
    const fullPhotos = fullTargets.reduce((n, t) => n + t.anchors.length + t.positives.length + t.verification.length + t.test.length, 0);
    const setup = a.setupSeconds * (fullPhotos / a.photos);
    parts.push({
      part: 'accuracy',
      measuredSeconds: acc,
      estimatedSeconds: setup + extrapolate(acc - a.setupSeconds, nowWork.seconds, fullWork.seconds),
      basis:
        `${fullTargets.length} people, every variant, both conditions: ${fullWork.enrolments} enrolments, ${fullWork.trainingSteps.toLocaleString('en')} training steps of ${(costs.stepMs / 1000).toFixed(1)} s ` +
        `(batch ${DEFAULT_TRAINING_CONFIG.batchSize}: ${speedStep === null ? "the accuracy part's median step" : `the speed part's wasm ×${o.accuracyThreads} step`}), ` +
        `${fullWork.attempts.toLocaleString('en')} attempts of ${a.costs.msPerAttempt.toFixed(0)} ms; set-up of ${fullPhotos} photos` +
        (a.variants.some((v) => v.settings.faceModel === 'koch')
          ? ''
          : speedStep === null
            ? '; no Koch variant ran here: their training and attempts are priced at 0 (run one, or the speed part, to price them)'
            : "; no Koch variant ran here: their attempts are priced at 0, their steps at the speed part's") +
        (a.costs.faceRec ? '' : '; no face-recognition variant ran here: its enrolments are priced at 0'),
    });
  }
  return { parts, totalSeconds: parts.reduce((t, p) => t + p.estimatedSeconds, 0) };
}

export async function main(argv: readonly string[], root: string): Promise<void> {
  const parsed = parseOptions(argv, root);
  if (parsed === 'help') {
    console.log(HELP);
    return;
  }
  const o = parsed;
  const startedAt = new Date();
  const t0 = performance.now();
  await mkdir(o.out, { recursive: true });
  const timings: PartTiming[] = [];
  const report: BenchReport = {
    format: 'siamese-face-id/bench',
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    totalSeconds: null,
    command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
    options: o,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: cores(),
      memoryGB: os.totalmem() / 2 ** 30,
      loadAverage: os.loadavg(),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      browser: null,
      browserPath: CHROMIUM_PATH,
      pageHardwareConcurrency: [],
    },
    parts: timings,
    speed: {
      model: 'reference (buildSiamese() defaults)',
      modelConfig: DEFAULT_MODEL_CONFIG,
      framePhoto: null,
      backends: [],
      node: [],
      faceRecNode: [],
      verify: null,
      verifyBackend: null,
      import: null,
    },
    pairs: [],
    pairsTable: [],
    liveness: null,
    accuracy: null,
    identification: null,
    estimate: null,
    skipped: [],
    errors: [],
  };
  const save = async () => {
    await writeFile(path.join(o.out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(path.join(o.out, 'latest.md'), renderMarkdown(report));
  };
  const guard = async (part: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
      report.errors.push({ part, message: msg.split('\n').slice(0, 6).join('\n') });
      log(`${part} FAILED: ${msg}`);
    }
    await save();
  };

  log(`${o.quick ? 'quick' : 'full'} run, parts: ${o.parts.join(', ')}; results in ${path.relative(root, o.out) || o.out}`);
  // The bench page and Chromium, for the parts that run there (the pairs and liveness parts run in Node only).
  let server: Awaited<ReturnType<typeof serveHarness>> | null = null;
  let browser: Browser | null = null;
  let framePhoto = '';
  try {
    if (needsPage(o.parts)) {
      const buildDir = path.join(o.out, '.build');
      await timed('build', timings, 'Node: vite build of bench/harness.html (production settings) into bench/results/.build', () =>
        buildHarness(root, buildDir),
      );
      server = await serveHarness(root, buildDir, o.data);
      if (o.parts.includes('speed') || o.parts.includes('verify')) {
        // The speed parts' camera frame shows a face: the first target's first photo.
        const first = (await planTargets(o.data, o.people, o.minPhotos, o.maxPeople, o.maxTest))[0]!;
        report.speed.framePhoto = `${first.name}/${first.anchors[0]!}`;
        framePhoto = `${PHOTO_BASE}${encodeURIComponent(first.name)}/${encodeURIComponent(first.anchors[0]!)}`;
      }
      browser = await launchBrowser();
      report.machine.browser = `Chromium ${browser.version()}`;
    }
    const page = () => {
      if (server === null || browser === null) throw new Error('the bench page is not running');
      return { origin: server.origin, browser };
    };
    if (o.parts.includes('speed')) {
      await guard('speed', () =>
        timed(
          'speed',
          timings,
          'headless Chromium, one page per backend; then this Node process (tf.js wasm and cpu; face recognition on wasm)',
          async () => {
            const r = await runSpeed(o, framePhoto, page().origin, page().browser);
            report.speed.backends = r.backends;
            report.machine.pageHardwareConcurrency = r.hardwareConcurrency;
            report.speed.node = await runSpeedNode(o);
            report.speed.faceRecNode = await runFaceRecSpeedNode(o);
          },
        ),
      );
    }
    if (o.parts.includes('verify')) {
      await guard('verify', () =>
        timed('verify', timings, 'headless Chromium, the backend the app picks by itself', async () => {
          const req = {
            model: {},
            ns: o.verifyNs,
            warmup: o.warmup,
            cachedReps: o.verifyCachedReps,
            naiveReps: o.verifyNaiveReps,
            seed: o.seed,
            framePhoto,
          };
          const r: VerifySpeedResult = await withSession(openSession(page().browser, page().origin), (s) =>
            s.page.evaluate((q) => window.__bench!.speedVerify(q, {}), req),
          );
          if (r.leakedTensors !== 0) throw new Error(`the verify part left ${r.leakedTensors} tensors behind`);
          report.speed.verify = [...r.rows];
          report.speed.verifyBackend = r.backend;
        }),
      );
    }
    if (o.parts.includes('import')) {
      await guard('import', () =>
        timed('import', timings, 'headless Chromium, on-disk profile (IndexedDB on disk)', async () => {
          report.speed.import = await runImport(o, page().origin);
          const m = report.speed.import;
          log(
            `  ${m.images} images in ${m.seconds.toFixed(1)} s = ${m.imagesPerSecond.toFixed(1)}/s, peak heap ${m.peakHeapMB.toFixed(0)} MB`,
          );
        }),
      );
    }
    if (o.parts.includes('pairs')) {
      await guard('pairs', () =>
        timed('pairs', timings, 'Node (this process), tf.js wasm backend', async () => {
          const r = await runPairsPart(o, root, log, async (run) => {
            report.pairs.push(run);
            report.pairsTable = pairsTable(report.pairs);
            await save();
          });
          if (r.skipped !== null) {
            report.skipped.push({ part: 'pairs', reason: r.skipped });
            log(`  pairs part skipped: ${r.skipped}`);
          }
        }),
      );
    }
    if (o.parts.includes('liveness')) {
      await guard('liveness', () =>
        timed('liveness', timings, 'Node (this process), tf.js wasm backend', async () => {
          const l = await runLivenessPart(o, log);
          report.liveness = l;
          const pc = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(2)} %`);
          log(
            `  ${l.people} people: live turns passed ${l.details.livePassed}/${l.liveAttempts} (${pc(l.livePassRate)}), spoof attempts rejected ${l.details.spoofRejected}/${l.spoofAttempts} (${pc(l.spoofRejectRate)}); ` +
              `median challenge ${l.medianChallengeMs === null ? '—' : `${l.medianChallengeMs.toFixed(0)} ms`} (frame ${l.details.medianFrameMs?.toFixed(1) ?? '—'} ms); ` +
              l.goals.map((g) => `${g.what} ${g.met ? 'meets' : 'MISSES'} ≥ ${100 * g.goal} %`).join(', '),
          );
        }),
      );
    }
    if (o.parts.includes('accuracy')) {
      await guard('accuracy', () =>
        timed('accuracy', timings, 'headless Chromium, bench page main thread, wasm', async () => {
          report.accuracy = await runAccuracy(o, root, page().origin, page().browser);
          for (const v of report.accuracy.variants) {
            const c = v.sameCamera;
            log(
              `  ${v.id}: FRR ${v.frr.toFixed(3)}, FAR ${v.far.toFixed(3)}, EER ${v.eer.toFixed(3)}, AUC ${v.auc.toFixed(3)}${c ? `; same camera FRR ${c.frr.toFixed(3)}, FAR ${c.far.toFixed(3)}, AUC ${c.auc.toFixed(3)}` : ''}`,
            );
          }
        }),
      );
    }
    if (o.parts.includes('identification')) {
      await guard('identification', () =>
        timed('identification', timings, 'headless Chromium, bench page main thread, wasm', async () => {
          const r = await runIdentification(o, page().origin, page().browser);
          report.identification = r;
          const g = (goals: IdentificationReport['goals']['plain']) =>
            goals.map((x) => `${x.what} ${x.met ? 'meets' : 'MISSES'} ${x.bound === 'max' ? '≤' : '≥'} ${100 * x.goal} %`).join(', ');
          log(
            `  ${r.people} people enrolled, ${r.attempts.enrolled} enrolled and ${r.attempts.nonEnrolled} non-enrolled attempts: rank-1 ${pc(r.rank1)}, ` +
              `granted as self ${pc(r.grantedAsSelf)}, wrong-person grants ${pc(r.wrongPersonGrants, 2)}, non-enrolled FAR ${pc(r.nonEnrolledFar, 2)}; ${g(r.goals.plain)}` +
              (r.sameCamera && r.goals.sameCamera
                ? `; same camera: granted as self ${pc(r.sameCamera.grantedAsSelf)}, wrong person ${pc(r.sameCamera.wrongPersonGrants, 2)}, non-enrolled FAR ${pc(r.sameCamera.nonEnrolledFar, 2)}; ${g(r.goals.sameCamera)}`
                : ''),
          );
        }),
      );
    }
  } finally {
    await browser?.close();
    await server?.close();
    report.finishedAt = new Date().toISOString();
    report.totalSeconds = (performance.now() - t0) / 1000;
    await save();
  }
  await guard('estimate', async () => {
    report.estimate = await estimateFullRun(report, o);
    log(`estimated full run (npm run bench): ${(report.estimate.totalSeconds / 3600).toFixed(1)} h on this machine`);
  });
  log(`done in ${(report.totalSeconds / 60).toFixed(1)} min: ${path.join(o.out, 'latest.json')}, latest.md`);
  if (report.errors.length > 0) process.exitCode = 1;
}
