/**
 * The shape of bench/results/latest.json and its readable twin latest.md.
 */
import path from 'node:path';
import type {
  AugmentConfigInput,
  CaptureConfig,
  FaceConfig,
  FaceRecConfig,
  KochConfig,
  TrainingConfig,
  VerifyConfig,
} from '../../src/config';
import type { CameraParams } from '../../src/augment';
import type { RocSummary } from '../../tools/common';
import type { EnrolmentCosts } from '../common/estimate';
import type { FrameSpec } from '../common/frame';
import type {
  BackendInfo,
  BackendSpeed,
  CropStats,
  EnrolmentResult,
  FaceRecSetupInfo,
  ImportSpeed,
  NodeFaceRecSpeedRow,
  NodeSpeedRow,
  VerifySpeed,
} from '../common/types';
import { ACCURACY_GOALS, type GoalCheck } from '../common/operating-points';
import type { OperatingPoints, PixelBaseline, VariantRow } from '../common/variants';
import type { BenchOptions } from './options';
import type { LivenessReport } from './liveness';
import type { IdentificationReport, IdentificationRunRow } from './identification';
import type { IdentificationGoal } from '../common/identification';
import type { PairsRun, PairsTableRow } from './pairs';
import type { PairsResult } from '../../tools/lfw';

export interface PartTiming {
  readonly part: string;
  readonly seconds: number;
  /** Where it ran and how. */
  readonly where: string;
}

type Scores = Pick<RocSummary, 'frr' | 'far' | 'eer' | 'auc'>;

export interface AccuracyReport {
  readonly people: readonly string[];
  readonly settings: {
    readonly where: string;
    readonly data: string;
    readonly peopleFile: string;
    readonly minPhotos: number;
    readonly maxPeople: number;
    readonly maxTest: number;
    readonly split: Readonly<Record<'anchors' | 'positives' | 'verification' | 'test', string>>;
    readonly modelConfig: KochConfig;
    readonly params: number;
    /** The bundled pretrained model: its model.json and that file's SHA-256 (first 16 hex digits). */
    readonly pretrained: { readonly file: string; readonly sha256: string };
    /** The training config every variant starts from (the app's, with this run's samplesPerClass and seed). */
    readonly training: TrainingConfig;
    /** The app's DEFAULT_TRAINING_CONFIG, for comparison. */
    readonly appTraining: TrainingConfig;
    /** Epochs of the reference recipe (from scratch). */
    readonly referenceEpochs: number;
    readonly verify: VerifyConfig;
    readonly capture: CaptureConfig;
    readonly face: FaceConfig;
    readonly frame: FrameSpec;
    readonly capturesPerPhoto: number;
    readonly jitter: AugmentConfigInput;
    readonly camera: CameraParams;
    readonly negatives: { readonly count: number; readonly version: string; readonly people: number; readonly seconds: number };
    readonly backend: BackendInfo;
    readonly seed: number;
    readonly conditions: readonly string[];
    /** The face-recognition variants' model and training (the Koch variants': modelConfig, training above). */
    readonly faceRec: {
      readonly modelConfig: FaceRecConfig;
      readonly head: { readonly file: string; readonly sha256: string };
      /** FACEREC_TRAINING_CONFIG with the run's samplesPerClass and seed. */
      readonly training: TrainingConfig;
      readonly appTraining: TrainingConfig;
      readonly calibrationTargetFar: number;
      /** Null when no face-recognition variant ran. */
      readonly setup: FaceRecSetupInfo | null;
    };
  };
  /** The variant whose scores these top-level numbers are: the app's default (the face-recognition network). */
  readonly appDefault: string;
  /** The app default's scores, plain condition. */
  readonly frr: number;
  readonly far: number;
  readonly eer: number;
  readonly auc: number;
  readonly attempts: { readonly genuine: number; readonly impostor: number };
  readonly noFace: { readonly genuine: number; readonly impostor: number };
  readonly sameCamera: Scores | null;
  readonly pixelBaseline: PixelBaseline;
  readonly pixelBaselineSameCamera: PixelBaseline | null;
  /** The app default's ROC operating points (FRR at FAR ≤ 0.5 %, FAR at FRR ≤ 5 %), plain and same camera. */
  readonly points: OperatingPoints;
  readonly sameCameraPoints: OperatingPoints | null;
  /** Issue #18's goals checked against the app default. */
  readonly goals: readonly GoalCheck[];
  /** The Koch network's app-default variant beside it (null when it did not run). */
  readonly kochDefault: {
    readonly variant: string;
    readonly frr: number;
    readonly far: number;
    readonly eer: number;
    readonly auc: number;
    readonly sameCamera: Scores | null;
    readonly points: OperatingPoints;
    readonly sameCameraPoints: OperatingPoints | null;
    readonly goals: readonly GoalCheck[];
  } | null;
  /** Every variant side by side. */
  readonly variants: readonly VariantRow[];
  readonly crops: readonly CropStats[];
  readonly noFacePhotos: readonly string[];
  /** Median ms of one face detection on a 640×480 frame (set-up, wasm). */
  readonly detectMs: number;
  readonly photos: number;
  readonly enrolments: readonly (Pick<
    EnrolmentResult,
    | 'target'
    | 'variant'
    | 'condition'
    | 'seenGranted'
    | 'skippedPhotos'
    | 'faceRecCaptures'
    | 'counts'
    | 'history'
    | 'calibration'
    | 'loadSeconds'
    | 'trainSeconds'
    | 'verifySeconds'
    | 'msPerAttempt'
    | 'medianStepMs'
  > & {
    readonly frr: number;
    readonly far: number;
    readonly genuine: number;
    readonly impostor: number;
    /** Attempts denied because no face was found. */
    readonly noFace: number;
    readonly meanGenuineVerification: number;
    readonly meanImpostorVerification: number;
    /** ROC AUC of this enrolment's verification fractions. */
    readonly auc: number;
  })[];
  /** Unit costs measured in this run (medians), the basis of the run-time estimate. */
  readonly costs: EnrolmentCosts;
  readonly setupSeconds: number;
}

/** The full run's time estimated from this run (bench/common/estimate.ts). */
export interface Estimate {
  readonly parts: readonly {
    readonly part: string;
    readonly measuredSeconds: number;
    readonly estimatedSeconds: number;
    readonly basis: string;
  }[];
  readonly totalSeconds: number;
}

export type BackendRow = BackendSpeed | { readonly backend: string; readonly threads: number; readonly error: string };

export interface BenchReport {
  readonly format: 'siamese-face-id/bench';
  readonly version: 1;
  readonly startedAt: string;
  finishedAt: string | null;
  totalSeconds: number | null;
  readonly command: string;
  readonly options: BenchOptions;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGB: number;
    /** 1, 5 and 15 minute load averages when the run started (other work on the machine skews timings). */
    readonly loadAverage: readonly number[];
    readonly os: string;
    readonly node: string;
    browser: string | null;
    readonly browserPath: string;
    pageHardwareConcurrency: readonly number[];
  };
  readonly parts: PartTiming[];
  readonly speed: {
    readonly model: string;
    readonly modelConfig: KochConfig;
    /** The face photo (person/file) of the speed and verify parts' camera frame. */
    framePhoto: string | null;
    backends: BackendRow[];
    /** The same model timings in the bench's own Node process (tf.js wasm and cpu; no face detection). */
    node: NodeSpeedRow[];
    /** The face-recognition tower in the bench's Node process (wasm): backbone forward and head against n cached descriptors. */
    faceRecNode: NodeFaceRecSpeedRow[];
    /** Per n: the app's verifier vs the reference way, on `verifyBackend`. */
    verify: VerifySpeed[] | null;
    verifyBackend: BackendInfo | null;
    import: ImportSpeed | null;
  };
  /**
   * LFW dev-test pair matching (bench/node/pairs.ts), one run per tower and crop: the Koch tower
   * (tools/lfw/pairs.ts, `tower: 'koch'`) and the face-recognition tower (tools/facerec/pairs.ts,
   * `tower: 'facerec'`).
   */
  pairs: PairsRun[];
  /** The runs' scores as one table with a model column (bench/node/pairs.ts pairsTable). */
  pairsTable: PairsTableRow[];
  /** The head-turn liveness check on live turns and spoofs (bench/node/liveness.ts); null when the part did not run. */
  liveness: LivenessReport | null;
  accuracy: AccuracyReport | null;
  /** Several people in one model (bench/node/identification.ts); null when the part did not run. */
  identification: IdentificationReport | null;
  estimate: Estimate | null;
  /** Parts asked for that did not run, and why (e.g. the pairs part without the pairs files' photos in --data). */
  readonly skipped: { readonly part: string; readonly reason: string }[];
  readonly errors: { readonly part: string; readonly message: string }[];
}

const f = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const table = (head: readonly string[], rows: readonly (readonly string[])[]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function speedSection(r: BenchReport): string[] {
  const o = r.options;
  const out = ['## Speed: model forward, training step and face detection', ''];
  const params = [...r.speed.backends, ...r.speed.node].find((b) => 'params' in b)?.params;
  const tfjs = r.speed.node.flatMap((b) => ('error' in b ? [] : [b.tfjs]))[0];
  out.push(
    `Model: ${r.speed.model}${params ? `, ${params.toLocaleString('en')} parameters` : ''}. Forward: one embedding-tower pass on one ${r.speed.modelConfig.inputSize}×${r.speed.modelConfig.inputSize} image. ` +
      `Step: one step of the app's train() (batch 16, Adam, lr 1e-4). Face detection: the app's detector (src/face, short-range BlazeFace, 128×128 input) on one 640×480 camera frame ` +
      `(${r.speed.framePhoto ?? 'a face photo'} pasted 1:1 in the middle of a grey frame), pixels to faces. Medians of the timed runs after the warm-up runs; "runs" = warm-up + timed. ` +
      `Chromium: one page per backend. tfjs-backend-wasm sizes its thread pool as min(threads, hardwareConcurrency / 2), so where the machine has fewer than 2 × threads cores the page is made to report 2 × threads (DevTools override); the work runs on the real cores. ` +
      `Node: the bench's own process (${r.machine.node}${tfjs ? `, tf.js ${tfjs}` : ''}), the same timing code (bench/common/model-speed.ts) on tools/common/node-backend's useWasmBackend (tf.js runs wasm single-threaded under Node) and useCpuBackend; no face detection there.`,
    '',
  );
  const runs = (b: { warmup: number; forwardSamplesMs: readonly number[] }) => `${b.warmup} + ${b.forwardSamplesMs.length}`;
  const steps = (b: { trainStepMs: number | null; warmup: number; stepSamplesMs: readonly number[] }) => [
    f(b.trainStepMs, 0),
    b.stepSamplesMs.length > 0 ? `${b.warmup} + ${b.stepSamplesMs.length}` : '—',
  ];
  const failed = (where: string, b: { backend: string; threads: number; error: string }) => [
    where,
    b.backend,
    String(b.threads),
    '',
    '—',
    '—',
    '',
    '—',
    '',
    `FAILED: ${b.error}`,
  ];
  out.push(
    table(
      [
        'where',
        'backend',
        'threads',
        'renderer',
        'embed forward (ms)',
        'face detection (ms)',
        'forward / detection runs',
        'train step (ms)',
        'step runs',
        'note',
      ],
      [
        ...r.speed.backends.map((b) =>
          'error' in b
            ? failed('Chromium', b)
            : [
                'Chromium',
                b.backend,
                String(b.threads),
                b.backend === 'webgl' ? (b.renderer ?? 'none') : '',
                f(b.embedForwardMs),
                `${f(b.detectMs)}${b.facesFound === 1 ? '' : ` (${b.facesFound} faces found)`}`,
                runs(b),
                ...steps(b),
                b.note,
              ],
        ),
        ...r.speed.node.map((b) =>
          'error' in b
            ? failed('Node', b)
            : ['Node', b.backend, String(b.threads), '', f(b.embedForwardMs), '—', runs(b), ...steps(b), b.note],
        ),
      ],
    ),
    '',
  );
  const fr = r.speed.faceRecNode;
  if (fr.length > 0) {
    const ok = fr.find((b) => !('error' in b));
    const ns = ok && !('error' in ok) ? ok.head.map((h) => h.n) : [];
    out.push('### The face-recognition tower', '');
    out.push(
      `The shipped backbone (public/models/face-recognition, dlib's ResNet${ok && !('error' in ok) ? `, ${ok.backboneParams.toLocaleString('en')} parameters` : ''}) and pretrained head (public/models/face-recognition-head${ok && !('error' in ok) ? `, ${ok.headParams} weights` : ''}), read from disk, in the bench's Node process on seeded random inputs. ` +
        `Backbone: one call of src/facerec describe() (chips to a tensor, one forward pass, descriptors read back) on one 150×150 chip, and on a batch (per chip: the call / the batch size). ` +
        `Head: headLogits of one frame's descriptor against n cached descriptors, what a verified frame adds after its backbone pass. Medians of the timed runs after the warm-up runs.`,
      '',
    );
    out.push(
      table(
        [
          'where',
          'backend',
          'threads',
          'backbone, 1 chip (ms)',
          'backbone, batch (ms a chip)',
          ...ns.map((n) => `head vs ${n} (ms)`),
          'runs',
          'note',
        ],
        fr.map((b) =>
          'error' in b
            ? ['Node', b.backend, String(b.threads), '—', '—', ...ns.map(() => '—'), '', `FAILED: ${b.error}`]
            : [
                'Node',
                b.backend,
                String(b.threads),
                f(b.forwardMs),
                `${f(b.batchPerChipMs)} (batch ${b.batchSize}: ${f(b.batchForwardMs, 0)} ms)`,
                ...ns.map((n) => f(b.head.find((h) => h.n === n)?.ms, 2)),
                `${b.warmup} + ${b.forwardSamplesMs.length}`,
                b.note,
              ],
        ),
      ),
      '',
    );
  }
  const v = r.speed.verify;
  if (v && r.speed.verifyBackend) {
    out.push('## Verification per frame: cached embeddings vs the reference way, with and without face detection', '');
    out.push(
      `Backend: ${r.speed.verifyBackend.reason}. Reference model. Cached: the app's verifier (n verification embeddings computed once; per frame one tower pass and the Dense head on n distances), on a ready 100×100 input. ` +
        `From a camera frame (640×480, the speed part's frame): "fixed crop" = the reference's centred square cropped and preprocessed, then the cached verifier (the app's 'fixed' crop mode); ` +
        `"face crop" = the detector, the largest face's square, preprocess, then the cached verifier (the app's default). ` +
        `Reference way: n separate whole-siamese predictions of (frame, image i) per frame, as the notebook did (its per-frame re-reading of the images is not counted). ` +
        `Medians of ${o.verifyCachedReps} frames each (${o.verifyNaiveReps} the reference way) after warm-up.`,
      '',
    );
    out.push(
      table(
        [
          'n',
          'cached (ms/frame)',
          'fixed crop + verify (ms/frame)',
          'detect + face crop + verify (ms/frame)',
          'of which detection (ms)',
          'face-recognition ResNet frame: detect, refine, align, describe, verify (ms)',
          'of which the backbone (ms)',
          'reference way (ms/frame)',
          'speed-up (cached)',
          'embed forward (ms)',
          'caching n embeddings (ms)',
          'max score difference',
        ],
        v.map((x) => [
          String(x.n),
          f(x.cachedFrameMs),
          f(x.fixedFrameMs),
          f(x.faceFrameMs),
          f(x.detectMs),
          f(x.faceRecFrameMs),
          f(x.faceRecBackboneMs),
          f(x.naiveFrameMs, 0),
          `${f(x.naiveFrameMs / x.cachedFrameMs)}×`,
          f(x.embedForwardMs),
          f(x.cacheBuildMs, 0),
          x.maxScoreDiff.toExponential(1),
        ]),
      ),
      '',
    );
  }
  const m = r.speed.import;
  if (m) {
    out.push('## Import of an LFW-layout .tgz into IndexedDB', '');
    out.push(
      `The app's importImages (streaming tar reader, browser decode, import crop, JPEG re-encode, sample store) on a fresh on-disk profile. Archive built by the bench from ${o.data} (first ${m.images} photos in path order) in ${f(m.archiveBuildSeconds)} s, not counted.`,
      '',
    );
    out.push(
      table(
        ['images', 'people', 'archive (MB)', 'seconds', 'images/s', 'peak JS heap (MB)', 'heap at start (MB)', 'skipped'],
        [
          [
            String(m.images),
            String(m.people),
            f(m.archiveMB),
            f(m.seconds),
            f(m.imagesPerSecond),
            f(m.peakHeapMB),
            f(m.startHeapMB),
            String(m.skipped),
          ],
        ],
      ),
      '',
    );
  }
  return out;
}

const CROP_WORDS: Readonly<Record<PairsResult['crop']['mode'], string>> = {
  face: "the app's face crop (src/face locateFace: short-range BlazeFace, the largest face, its square by the crop rule)",
  photo: 'the whole 250×250 photo (what the model was pretrained on)',
};

const SCORE_WORDS: Readonly<Record<PairsTableRow['score'], string>> = {
  head: 'head, P(same)',
  pixels: 'raw pixels (−mean \\|x1 − x2\\|)',
  euclidean: 'Euclidean distance',
};

const MODEL_WORDS: Readonly<Record<PairsTableRow['model'], string>> = {
  koch: 'Koch (pretrained)',
  facerec: 'face recognition',
};

function pairsSection(ps: readonly PairsRun[], rows: readonly PairsTableRow[]): string[] {
  const p = ps[0]!;
  const { devTrain, devTest } = p.files;
  const threshold = (x: PairsTableRow) =>
    x.unit === 'distance' ? `distance < ${x.devTrainThreshold.toPrecision(3)}` : `${x.devTrainThreshold.toPrecision(3)}`;
  const mean = (x: PairsTableRow) => `${f(x.devTestMeanSame, 3)} / ${f(x.devTestMeanDifferent, 3)}`;
  const runLine = (q: PairsRun) =>
    q.tower === 'koch'
      ? `- **Koch, ${q.crop.mode}**: ${q.modelUrlOrDir} (the app's bundled pretrained network, no fine-tuning): ${CROP_WORDS[q.crop.mode]}, then the app's preprocess (→ 100×100) and one tower pass; a pair's score the model's head on the two embeddings (checked against the whole network on ${q.model.headCheck.pairs} pairs: max difference ${q.model.headCheck.maxAbsDiff.toExponential(1)}). ` +
        `${q.crop.photos} photos${q.crop.mode === 'face' ? `, no face found in ${q.crop.noFace} (the whole photo used there), square clamped into the photo in ${q.crop.clamped}` : ''}; ${f(q.seconds, 0)} s.`
      : `- **face recognition, ${q.chip.name} chip**: the backbone (public/models/face-recognition, dlib's ResNet, version ${q.backboneVersion}) on the app's chip: ${q.chip.description}; ` +
        `a pair's scores: the shipped head (public/models/face-recognition-head, version ${q.headVersion}, calibrated: bias moved by −${q.headBiasShift.toFixed(4)} so that 0.5 accepts 0.5 % of held-out dev-train impostor pairs; headLogits checked against the head model on ${q.head.headCheck.pairs} pairs: max difference ${q.head.headCheck.maxAbsDiff.toExponential(1)}), and the Euclidean distance of the two descriptors (thresholds and means in distance). ` +
        `${q.chip.photos} photos, ${f(q.msPerPhoto, 0)} ms a photo (decode, detection, alignment, backbone at batch 8); ${f(q.seconds, 0)} s.`;
  return [
    '## LFW pairs: both towers on people they never saw',
    '',
    `In Node with tf.js ${p.backend}. Threshold fitted on ${devTrain.pairs} pairs of ${devTrain.file} (people the Koch network and the face-recognition head were trained on), measured on ${devTest.pairs} pairs of ${devTest.file} (${devTest.same} same, ${devTest.different} different; people neither was trained on; the backbone's training data left LFW's people out)` +
      `${p.limit > 0 ? `: a seeded, class-stratified subsample of at most ${p.limit} pairs per file (seed ${p.seed})` : ''}. 10-fold: the LFW protocol, the threshold fitted on 9 folds of the dev-test pairs, applied to the tenth.`,
    '',
    ...ps.map(runLine),
    '',
    table(
      [
        'model',
        'crop',
        'score',
        'dev-test ROC AUC',
        'dev-test EER',
        'dev-test accuracy at the dev-train threshold',
        'dev-test 10-fold accuracy',
        'accuracy at 0.5 (dev-test)',
        'mean same / different',
      ],
      rows.map((x) => [
        MODEL_WORDS[x.model],
        x.crop,
        SCORE_WORDS[x.score],
        f(x.devTestAuc, 4),
        pct(x.devTestEer),
        `${pct(x.devTestAccuracy)} (threshold ${threshold(x)})`,
        `${pct(x.devTestTenFold)} ± ${pct(x.devTestTenFoldStd)}`,
        x.devTestAccuracyAt05 === null ? '—' : pct(x.devTestAccuracyAt05),
        mean(x),
      ]),
    ),
    '',
  ];
}

/** Seconds as s, min or h, whichever reads best. */
const duration = (s: number) => (s < 90 ? `${f(s)} s` : s < 5400 ? `${f(s / 60)} min` : `${f(s / 3600)} h`);
const epochs = (n: number) => `${n} epoch${n === 1 ? '' : 's'}`;

const scoreCells = (x: Scores | null) => (x ? [pct(x.frr), pct(x.far), pct(x.eer), f(x.auc, 3)] : ['—', '—', '—', '—']);

function accuracySection(a: AccuracyReport): string[] {
  const s = a.settings;
  const t = s.training;
  const app = s.appTraining;
  const fr = s.frame;
  const out = ['## Accuracy: the enrolment protocol', ''];
  const trainedDiffers =
    (t.samplesPerClass !== app.samplesPerClass ? ` and **samplesPerClass ${t.samplesPerClass}** (app ${app.samplesPerClass})` : '') +
    (t.learningRate !== app.learningRate ? ` and **learning rate ${t.learningRate}** (app ${app.learningRate})` : '');
  out.push(
    `- Where: ${s.where}; ${s.backend.reason}.`,
    `- People (${a.people.length}): ${a.people.join(', ')} — from ${s.peopleFile}, ≥ ${s.minPhotos} photos${s.maxPeople > 0 ? `, first ${s.maxPeople} by name` : ''}; photos from ${s.data}.`,
    `- Photos in filename order: ${s.split.anchors} anchors, ${s.split.positives} positives, ${s.split.verification} verification images, ${s.split.test} test${s.maxTest > 0 ? ` (at most ${s.maxTest} test photos per person)` : ''}.`,
    `- Camera frames: each photo pasted into a ${fr.width}×${fr.height} frame on grey ${fr.background}, its centre moved by up to ±${fr.maxShiftX} px (x) and ±${fr.maxShiftY} px (y) and scaled by ${fr.minScale}–${fr.maxScale} (seeded per photo; the same frame for every variant). ` +
      `**fixed** crop: the reference's centred ${s.capture.squareSize}-px square (src/data captureSquare); **face** crop: the app's detector (${s.face.variant}-range BlazeFace, score ≥ ${s.face.scoreThreshold}) and crop rule (src/face faceCrop, ${s.face.marginFactor} × the box side around the ${s.face.centre} centre). Both preprocessed to ${s.modelConfig.inputSize}×${s.modelConfig.inputSize} by src/model preprocess. ` +
      `No face found: that photo is left out of the enrolment (the app refuses the capture), and an attempt with it counts as denied (verification 0).`,
    `- Each enrolment photo → ${s.capturesPerPhoto} captures with seeded jitter (src/augment: shift ±3 px, zoom ±2 %, brightness ±0.04, noise σ 0.005–0.02, JPEG q90).`,
    `- Negatives: the app's bundled pack (${s.negatives.count} faces of ${s.negatives.people} people, version ${s.negatives.version}), loaded through the app's ensureBundledNegatives into IndexedDB.`,
    `- Koch variants' model: the reference network (${s.params.toLocaleString('en')} parameters). The bundled pretrained model (${s.pretrained.file}, model.json SHA-256 ${s.pretrained.sha256}…): fine-tuned variants start from it as the app's training does (src/model loadStartingNetwork: the classifier bias as pretrained), pretrained-only variants verify with it as the app does before training (loadPretrainedNetwork: the calibrated bias); from scratch: Glorot-uniform kernels and zero biases from the seed (tools/common/seeded.ts).`,
    `- Training: the app's train() and training config (batch ${t.batchSize}, lr ${t.learningRate}, trainFraction ${t.trainFraction}, seed ${t.seed}) with each variant's start, frozen layers (freeze), augmentation (src/augment, the app's DEFAULT_AUGMENT_CONFIG, per batch as the app's training session applies it; notebook-aug: the reference notebook's five alone, NOTEBOOK_AUGMENT) and epochs${trainedDiffers}. The app trains ${app.epochs} epochs from the pretrained model; the reference recipe ${s.referenceEpochs} from scratch.`,
    ...(s.faceRec.setup
      ? [
          `- Face recognition (the app's default face model): the backbone (dlib's ResNet, weights version ${s.faceRec.setup.backboneVersion}; descriptors version ${s.faceRec.setup.describerVersion}) and the shipped head (${s.faceRec.head.file}, model.json SHA-256 ${s.faceRec.head.sha256}…). ` +
            `A capture is the face square cut from the frame at the camera's resolution (median ${s.faceRec.setup.medianSquareSide} px), jittered as above, described by src/facerec describeStill (detect, refine, align, backbone) as the app describes stored captures; the bundled negatives likewise. ` +
            `facerec: src/model loadStartingNetwork (the shipped head, bias as pretrained), src/training train() on the descriptors with FACEREC_TRAINING_CONFIG (${s.faceRec.training.epochs} epochs, batch ${s.faceRec.training.batchSize}, lr ${s.faceRec.training.learningRate}, no augmentation), calibrated at ${pct(s.faceRec.calibrationTargetFar)} of the held-out cohort; facerec-pretrained: the shipped calibrated head (loadPretrainedNetwork). ` +
            `An attempt: the face the detector found in the frame, describeFace(frame, face) (refine, align, backbone: what the live app does), the verifier against the verification captures' descriptors; same camera: the camera transform on the face square (before the jitter) and on the whole frame. ` +
            `Set-up: ${s.faceRec.setup.framesDescribed} frames described (${f(s.faceRec.setup.describeFaceMs, 0)} ms each), ${f(s.faceRec.setup.seconds, 0)} s.`,
        ]
      : []),
    `- Verification: the app's verifier and decision rule, default thresholds (detection ${s.verify.detectionThreshold}, verification ${s.verify.verificationThreshold}). Genuine: the person's test photos; impostor: the other targets' test photos. ${a.attempts.genuine} genuine and ${a.attempts.impostor} impostor attempts per variant and condition.`,
    `- Same camera: src/augment cameraTransform (gain ${s.camera.gain.join('/')}, blur σ ${s.camera.blurSigma}, noise σ ${s.camera.noiseSigma}, JPEG ${s.camera.jpegQuality}) on the ${s.modelConfig.inputSize}×${s.modelConfig.inputSize} crops of the enrolment photos (before the jitter) and of every test photo (the detector sees the frame without it); the bundled negatives unchanged. Trained again per person.`,
    `- EER and AUC are of the per-attempt verification fraction (detections / N), pooled over all enrolments. Pixel baseline: mean L1 distance of the same ${s.modelConfig.inputSize}×${s.modelConfig.inputSize} crops to the verification captures, thresholded at its own EER point.`,
    '',
  );
  const headline = (label: string, x: Scores & { sameCamera: Scores | null }) =>
    `**${label}**: FRR ${pct(x.frr)}, FAR ${pct(x.far)}, EER ${pct(x.eer)}, AUC ${f(x.auc, 3)}` +
    (x.sameCamera
      ? `; same camera: FRR ${pct(x.sameCamera.frr)}, FAR ${pct(x.sameCamera.far)}, EER ${pct(x.sameCamera.eer)}, AUC ${f(x.sameCamera.auc, 3)}`
      : '') +
    '.';
  const appRow = a.variants.find((v) => v.id === a.appDefault);
  out.push(
    headline(`App default (${a.appDefault}: ${(appRow?.settings.label ?? '').replace(/ \(app default\)$/, '')})`, a),
    '',
    ...(a.kochDefault
      ? [
          headline(
            `Koch network with its defaults (${a.kochDefault.variant}, fine-tuned ${epochs(a.variants.find((v) => v.id === a.kochDefault!.variant)?.settings.epochs ?? 0)})`,
            a.kochDefault,
          ),
          '',
        ]
      : []),
    `Pixel baseline AUC ${f(a.pixelBaseline.auc, 3)}.`,
    '',
  );
  out.push(...goalsSection(a.variants), '');
  out.push(variantTable(a.variants), '');
  const byCrop = new Map(a.variants.map((v) => [v.settings.crop, v] as const));
  out.push('Pixel L1 baseline (the same crops; at its own EER threshold):', '');
  out.push(
    table(
      ['crop', 'FRR', 'FAR', 'EER', 'ROC AUC', 'same camera: FRR', 'FAR', 'EER', 'ROC AUC'],
      [...byCrop.values()].map((v) => [
        v.settings.crop,
        ...scoreCells(v.pixelBaseline),
        ...scoreCells(v.sameCamera?.pixelBaseline ?? null),
      ]),
    ),
    '',
  );
  out.push(
    `Crops of the ${a.photos} simulated frames (offset: crop centre to photo centre; size: crop side / photo side; both 0 and 1 when the crop is the photo itself). Face detection: ${f(a.detectMs)} ms a frame (median, wasm).`,
    '',
  );
  out.push(
    table(
      ['crop', 'frames cropped', 'no face found', 'median offset (photo sides)', 'median size ratio', 'clamped at the frame edge'],
      a.crops.map((c) => [c.crop, String(c.photos), String(c.noFace), f(c.medianOffset, 3), f(c.medianSizeRatio, 3), String(c.clamped)]),
    ),
    '',
  );
  if (a.noFacePhotos.length > 0) out.push(`No face found in: ${a.noFacePhotos.join(', ')}.`, '');
  const c = a.costs;
  out.push(
    `Unit costs in this run (medians): Koch variants: training step ${f(c.stepMs, 0)} ms, test-pair evaluation ${f(c.evalMsPerPair)} ms a pair, scoring ${f(c.msPerAttempt)} ms an attempt, starting network ${f(c.loadSeconds.pretrained)} s (pretrained) / ${f(c.loadSeconds.scratch)} s (scratch)` +
      (c.faceRec
        ? `; face-recognition variants: describing a capture ${f(c.faceRec.describeMs, 0)} ms, training step ${f(c.faceRec.stepMs, 1)} ms, scoring ${f(c.faceRec.msPerAttempt)} ms an attempt (its descriptor was computed at set-up)`
        : '') +
      `; page set-up ${f(a.setupSeconds, 0)} s.`,
    '',
  );
  out.push('Per enrolment:', '', enrolmentTable(a.enrolments), '');
  return out;
}

/**
 * Issue #18's goals beside each variant's numbers: EER, FRR at FAR ≤ 0.5 % and, same camera, FAR
 * at FRR ≤ 5 %; the other condition's points for comparison. The points are thresholds on the
 * pooled verification fraction (the scores the EER and AUC are of).
 */
function goalsSection(rows: readonly VariantRow[]): string[] {
  const g = ACCURACY_GOALS;
  const mark = (c: GoalCheck | undefined) => (c ? `${pct(c.value)} ${c.met ? '✓' : '✗'}` : '—');
  const at = (p: { frr: number; far: number; threshold: number } | undefined, which: 'frr' | 'far') =>
    p ? `${pct(p[which])} (v > ${Number.isFinite(p.threshold) ? f(p.threshold, 3) : '−∞'})` : '—';
  return [
    `Issue #18's goals (✓ met, ✗ not): EER ≤ ${pct(g.eer)}; FRR ≤ ${pct(g.frrAtFar.frr)} at FAR ≤ ${pct(g.frrAtFar.maxFar)}; same camera, FAR ≤ ${pct(g.sameCameraFarAtFrr.far)} at FRR ≤ ${pct(g.sameCameraFarAtFrr.maxFrr)}. ` +
      `Operating points are thresholds on the pooled per-attempt verification fraction v (granted when v is above it), the best one meeting the bound; the report's FRR and FAR columns are the app's own thresholds.`,
    '',
    table(
      [
        'variant',
        `EER (goal ≤ ${pct(g.eer)})`,
        `FRR at FAR ≤ ${pct(g.frrAtFar.maxFar)} (goal ≤ ${pct(g.frrAtFar.frr)})`,
        `FAR at FRR ≤ ${pct(g.sameCameraFarAtFrr.maxFrr)}`,
        `same camera: EER`,
        `FRR at FAR ≤ ${pct(g.frrAtFar.maxFar)}`,
        `FAR at FRR ≤ ${pct(g.sameCameraFarAtFrr.maxFrr)} (goal ≤ ${pct(g.sameCameraFarAtFrr.far)})`,
      ],
      rows.map((v) => [
        `**${v.id}**`,
        mark(v.goals.find((c) => c.what === 'EER')),
        `${mark(v.goals.find((c) => c.what.startsWith('FRR')))} (v > ${Number.isFinite(v.points.frrAtFar.threshold) ? f(v.points.frrAtFar.threshold, 3) : '−∞'})`,
        at(v.points.farAtFrr, 'far'),
        v.sameCamera ? pct(v.sameCamera.eer) : '—',
        at(v.sameCamera?.points.frrAtFar, 'frr'),
        v.sameCamera
          ? `${mark(v.goals.find((c) => c.condition === 'sameCamera'))} (v > ${Number.isFinite(v.sameCamera.points.farAtFrr.threshold) ? f(v.sameCamera.points.farAtFrr.threshold, 3) : '−∞'})`
          : '—',
      ]),
    ),
  ];
}

function variantTable(rows: readonly VariantRow[]): string {
  return table(
    [
      'variant',
      'model',
      'crop',
      'start',
      'frozen',
      'augment',
      'epochs',
      'FRR',
      'FAR',
      'EER',
      'ROC AUC',
      'same camera: FRR',
      'FAR',
      'EER',
      'ROC AUC',
      'no face (genuine / impostor)',
      'train (s per enrolment)',
    ],
    rows.map((v) => [
      `**${v.id}**`,
      v.settings.faceModel === 'facerec' ? 'face recognition' : 'Koch',
      v.settings.crop,
      v.settings.start === 'none' ? 'pretrained only' : v.settings.start,
      v.settings.start === 'none' ? '—' : v.settings.freeze,
      v.settings.start === 'none' ? '—' : v.settings.augment ? (v.settings.augmentSet === 'notebook' ? 'notebook only' : 'on') : 'off',
      String(v.settings.epochs),
      ...scoreCells(v),
      ...scoreCells(v.sameCamera),
      `${v.noFace.genuine} / ${v.noFace.impostor}`,
      v.settings.start === 'none' ? '—' : f(v.trainSeconds, 0),
    ]),
  );
}

function enrolmentTable(enrolments: AccuracyReport['enrolments']): string {
  return table(
    [
      'person',
      'variant',
      'condition',
      'genuine',
      'FRR',
      'impostor',
      'FAR',
      'mean verification genuine / impostor',
      'AUC',
      'own enrolment photos granted',
      'photos skipped',
      'captures described (no face: centre)',
      'train pairs',
      'final test loss / acc',
      'calibration: cohort above 0.5 before → after (bias shift)',
      'start (s)',
      'train (s)',
      'step (ms)',
    ],
    enrolments.map((e) => {
      const last = e.history.at(-1);
      return [
        e.target,
        e.variant,
        e.condition,
        String(e.genuine),
        pct(e.frr),
        String(e.impostor),
        pct(e.far),
        `${f(e.meanGenuineVerification, 3)} / ${f(e.meanImpostorVerification, 3)}`,
        f(e.auc, 3),
        pct(e.seenGranted),
        String(e.skippedPhotos),
        e.faceRecCaptures ? `${e.faceRecCaptures.captures} (${e.faceRecCaptures.noFace})` : '—',
        e.counts.trainPairs ? String(e.counts.trainPairs) : '—',
        last ? `${f(last.testLoss, 3)} / ${f(last.accuracy, 2)}` : '—',
        e.calibration
          ? `${pct(e.calibration.farBefore)} → ${pct(e.calibration.farAfter)} (${e.calibration.biasShift >= 0 ? '+' : ''}${f(e.calibration.biasShift, 2)})`
          : '—',
        f(e.loadSeconds),
        e.history.length > 0 ? f(e.trainSeconds, 0) : '—',
        f(e.medianStepMs, 0),
      ];
    }),
  );
}

/** The liveness part: issue #21's goals beside the rates, then the spoofs by move and the failures. */
function livenessSection(l: LivenessReport): string[] {
  const s = l.settings;
  const d = l.details;
  const rate = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(2)} %`);
  const c = s.liveness;
  const failures = Object.entries(d.liveFailures).map(([k, n]) => `${k} ${n}`);
  return [
    '## Liveness: the head-turn check against a photo',
    '',
    `In ${s.where}, with the app's detector (${s.detector.variant}-range BlazeFace, faces ≥ ${s.detector.scoreThreshold}), keypoints refined in the face's own square (refineFace) and the app's liveness defaults (cue ${c.cue}, turn ≥ ${c.turnThreshold}, frontal band ${c.frontalCentre} ± ${c.frontalBand}, ${c.timeLimitMs / 1000} s to turn). ` +
      `${l.people} people of ${path.basename(s.peopleFile)} in ${s.data} with ≥ ${s.minPhotos} photos${s.maxPeople > 0 ? ` (a choice of ${s.maxPeople} with seed ${s.seed})` : ''}; of each, the first ${s.maxPhotos} photos choose a frontal photo and the photo turned furthest to each side (tools/liveness chooseLivePhotos). ` +
      `Live attempt: the frontal photo, then the turned one, the head placed in a ${s.frame.width}×${s.frame.height} frame (shift ±${s.livePlacement.maxShiftX}/±${s.livePlacement.maxShiftY} px, scale ${s.livePlacement.minScale}–${s.livePlacement.maxScale}) and moved by up to ${s.liveTurnMove.shift} px as it turns. ` +
      `Spoof attempt: the frontal photo as a flat print, every ordered pair of its ${s.spoofPoses} poses (shifts, scales, rolls, tilts of ${s.spoofTilts.join(', ')}° about four axes, seeded mixes), for each side the check can ask for; counted where the check started a challenge, rejected when never granted. ` +
      `Challenge time: ${s.challengeTime}.`,
    '',
    table(
      ['', 'attempts', 'rate', "issue #21's goal"],
      [
        [
          'spoof attempts rejected',
          String(l.spoofAttempts),
          rate(l.spoofRejectRate),
          `≥ ${100 * l.goals[0]!.goal} % ${l.goals[0]!.met ? '✓' : '✗'}`,
        ],
        ['live turns passed', String(l.liveAttempts), rate(l.livePassRate), `≥ ${100 * l.goals[1]!.goal} % ${l.goals[1]!.met ? '✓' : '✗'}`],
      ],
    ),
    '',
    `Median challenge time ${l.medianChallengeMs === null ? '—' : `${f(l.medianChallengeMs, 0)} ms`} (machine's part; a frame's detection + refinement ${f(d.medianFrameMs)} ms, median of ${d.frames} frames). ` +
      `No frontal photo: ${d.withoutFrontal.length}; no turned photo to either side: ${d.withoutTurn.length}. Failed live turns: ${failures.length > 0 ? failures.join(', ') : 'none'}. ` +
      `Spoof pose pairs where no challenge started: ${d.spoofNotArmed}; poses without exactly one face: ${d.spoofFramesWithoutOneFace}; attempts whose second pose showed the face: ${d.spoofBothSeen}, ${rate(d.spoofBothSeenRejectRate)} rejected. ` +
      `People with a spoof attempt granted: ${d.spoofPeopleGranted} of ${l.people - d.withoutFrontal.length}${d.spoofWorstPerson ? `; the lowest share rejected: ${d.spoofWorstPerson.name}, ${rate(d.spoofWorstPerson.rejectRate)} of ${d.spoofWorstPerson.attempts}` : ''}. ${f(d.seconds, 0)} s.`,
    '',
    table(
      ['spoof move (second pose)', 'attempts', 'rejected'],
      d.spoofByMove.map((m) => [m.move, String(m.attempts), rate(m.rejectRate)]),
    ),
    '',
  ];
}

/** The identification part: issue #20's rates and goals per condition, with and without the pairs across people, then each run and person. */
function identificationSection(r: IdentificationReport): string[] {
  const s = r.settings;
  const rate = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '—' : `${(100 * x).toFixed(digits)} %`);
  const run = (condition: string, cross: boolean) => r.runs.find((x) => x.condition === condition && x.cross === cross);
  const plain = run('plain', true);
  const same = run('sameCamera', true);
  const cell = (
    x: IdentificationRunRow | undefined,
    key: 'rank1' | 'grantedAsSelf' | 'wrongPersonGrants' | 'nonEnrolledFar',
    n: number,
    digits: number,
  ) => (x ? `${rate(x.rates[key], digits)} (${n})` : '—');
  const counted = (x: IdentificationRunRow | undefined) =>
    x
      ? {
          rank1: x.rates.counts.rank1,
          grantedAsSelf: x.rates.counts.grantedAsSelf,
          wrongPersonGrants: x.rates.counts.wrongPerson,
          nonEnrolledFar: x.rates.counts.nonEnrolledGranted,
        }
      : null;
  const goalOf = (what: IdentificationGoal['what'], goals: readonly IdentificationGoal[] | null | undefined) => {
    const g = goals?.find((x) => x.what === what);
    return g ? `${g.met ? '✓' : '✗'}` : '';
  };
  const rows: [string, 'rank1' | 'grantedAsSelf' | 'wrongPersonGrants' | 'nonEnrolledFar', IdentificationGoal['what'] | null, number][] = [
    ['rank-1 identification (enrolled attempts)', 'rank1', null, 1],
    ['granted as self (enrolled attempts)', 'grantedAsSelf', 'granted as self', 1],
    ['wrong-person grants (enrolled attempts)', 'wrongPersonGrants', 'wrong-person grants', 2],
    ['non-enrolled FAR (non-enrolled attempts)', 'nonEnrolledFar', 'non-enrolled FAR', 2],
  ];
  const goalText = (what: IdentificationGoal['what'] | null) => {
    const g = plain?.goals.find((x) => x.what === what);
    return g ? `${g.bound === 'max' ? '≤' : '≥'} ${100 * g.goal} %` : '—';
  };
  const out = [
    '## Identification: several people in one model',
    '',
    `Issue #20's proof, on the accuracy part's frames, face crop, captures and jitter (same photo split; ${s.capturesPerPhoto} captures a photo). ` +
      `Enrolled: ${r.enrolled.map((p) => `${p.name} (${p.testPhotos} test photos)`).join(', ')}, into ONE face-recognition model: the shipped head trained with the app's train() and FACEREC_TRAINING_CONFIG ` +
      `(${s.samplesPerClass} samples per class) on src/data buildPeoplePairs (each person's positive pairs, pairs with the bundled negatives and pairs across the enrolled people), then calibrated as the app's session does. ` +
      `Not enrolled: ${r.nonEnrolled.length} other people of ${path.basename(s.peopleFile)} with ≥ ${s.others.photos} photos (a choice with seed ${s.seed}), their first ${s.others.photos} photos: ${r.nonEnrolled.map((p) => `${p.name} (${p.photos})`).join(', ')}. ` +
      `Each attempt's frame is scored against every enrolled person's verification captures and decided by src/verify identify (thresholds ${s.thresholds.detectionThreshold} / ${s.thresholds.verificationThreshold}, margin ${s.margin}); a frame without a face is denied. ` +
      `Rank-1: the person's own verification share is strictly the highest. Same camera: the accuracy part's camera transform on the captures and the frames, trained again. ` +
      `"Without cross pairs": the same enrolment trained on each person's pairs and the bundled negatives only.`,
    '',
    table(
      ['rate (out of)', 'plain', 'same camera', "issue #20's goal", 'without cross pairs: plain', 'same camera'],
      [
        ...rows.map(([label, key, goal, digits]) => {
          const n = (x: IdentificationRunRow | undefined) => counted(x)?.[key] ?? 0;
          return [
            label,
            `${cell(plain, key, n(plain), digits)} ${goal ? goalOf(goal, r.goals.plain) : ''}`.trim(),
            `${cell(same, key, n(same), digits)} ${goal ? goalOf(goal, r.goals.sameCamera) : ''}`.trim(),
            goalText(goal),
            cell(run('plain', false), key, n(run('plain', false)), digits),
            cell(run('sameCamera', false), key, n(run('sameCamera', false)), digits),
          ];
        }),
        ...(['enrolled', 'nonEnrolled'] as const).map((kind) => {
          const shares = (x: IdentificationRunRow | undefined) => {
            const o = x?.rates.otherShares[kind];
            return o ? `${f(o.mean, 4)} / ${f(o.max, 2)} (${o.aboveZero})` : '—';
          };
          return [
            kind === 'enrolled'
              ? "another enrolled person's best share: mean / max (attempts above 0)"
              : "non-enrolled attempts' best share: mean / max (attempts above 0)",
            shares(plain),
            shares(same),
            '—',
            shares(run('plain', false)),
            shares(run('sameCamera', false)),
          ];
        }),
      ],
    ),
    '',
    `Attempts per condition: ${r.attempts.enrolled} enrolled, ${r.attempts.nonEnrolled} not enrolled. In brackets: the attempts each rate counts (its numerator). ` +
      `"Best share": an attempt's highest verification share among the wrong people (for an enrolled person the other ${r.people - 1}, for a non-enrolled one everyone), over frames with a face. Page set-up ${f(r.setupSeconds, 0)} s.`,
    '',
    table(
      [
        'condition',
        'cross pairs',
        'train + test pairs',
        'positive / bundled negative / across people',
        'final test loss / acc',
        'calibration: cohort above 0.5 before → after (bias shift)',
        'enrolled: single / margin / ambiguous / nobody / no face',
        'not enrolled: single / margin / ambiguous / nobody / no face',
        'describe: captures / negatives (s)',
        'train + calibration (s)',
      ],
      r.runs.map((x) => {
        const last = x.history.at(-1);
        const reasons = (m: Partial<Record<string, number>>) =>
          ['single', 'margin', 'ambiguous', 'nobody', 'no-face'].map((k) => String(m[k] ?? 0)).join(' / ');
        return [
          x.condition,
          x.cross ? 'with' : 'without',
          `${x.counts.trainPairs} + ${x.counts.testPairs}`,
          `${x.counts.positivePairs} / ${x.counts.bundledNegativePairs} / ${x.counts.crossPairs}`,
          last ? `${f(last.testLoss, 3)} / ${f(last.accuracy, 3)}` : '—',
          x.calibration
            ? `${rate(x.calibration.farBefore)} → ${rate(x.calibration.farAfter)} (${x.calibration.biasShift >= 0 ? '+' : ''}${f(x.calibration.biasShift, 2)})`
            : '—',
          reasons(x.rates.reasons.enrolled),
          reasons(x.rates.reasons.nonEnrolled),
          `${f(x.describeSeconds, 0)} / ${f(x.negativeSeconds, 0)}`,
          f(x.trainSeconds, 0),
        ];
      }),
    ),
    '',
  ];
  if (plain) {
    const others = (m: Readonly<Record<string, number>>) =>
      Object.entries(m)
        .map(([who, n]) => `${who} ${n}`)
        .join(', ') || '—';
    out.push(
      'Per person (plain, with cross pairs):',
      '',
      table(
        ['person', 'enrolled', 'attempts', 'no face', 'rank-1', 'granted as self', 'granted as someone else (as whom)'],
        plain.byPerson.map((p) => [
          p.person,
          p.enrolled ? 'yes' : 'no',
          String(p.attempts),
          String(p.noFace),
          p.enrolled ? String(p.rank1) : '—',
          p.enrolled ? String(p.grantedAsSelf) : '—',
          others(p.grantedAsOther),
        ]),
      ),
      '',
    );
  }
  return out;
}

function estimateSection(e: Estimate, r: BenchReport): string[] {
  return [
    `## Estimated full run (\`npm run bench\`)`,
    '',
    `From this run's measurements on this machine (load average ${r.machine.loadAverage.map((x) => x.toFixed(1)).join(' / ')} at the start): each part's work under the full run's defaults, priced with this run's timings (bench/common/estimate.ts). **About ${duration(e.totalSeconds)} in all.**`,
    '',
    table(
      ['part', 'this run (s)', 'full run, estimated', 'basis'],
      e.parts.map((p) => [p.part, f(p.measuredSeconds), duration(p.estimatedSeconds), p.basis]),
    ),
    '',
  ];
}

export function renderMarkdown(r: BenchReport): string {
  const m = r.machine;
  const out: string[] = ['# Benchmark results', ''];
  out.push(
    `\`${r.command}\` — ${r.options.quick ? 'quick' : 'full'} run, started ${r.startedAt}${r.totalSeconds !== null ? `, ${(r.totalSeconds / 60).toFixed(1)} min in all` : ' (unfinished)'}.`,
    '',
  );
  out.push('## Machine', '');
  out.push(
    table(
      ['', ''],
      [
        ['CPU', `${m.cpu}, ${m.cores} cores`],
        ['memory', `${f(m.memoryGB)} GB`],
        ['OS', m.os],
        ['Node', m.node],
        ['browser', `${m.browser ?? '—'} (${m.browserPath}), headless`],
        ['load average at start', m.loadAverage.map((x) => x.toFixed(1)).join(' / ')],
        ['page hardwareConcurrency', [...new Set(m.pageHardwareConcurrency)].join(', ') || '—'],
      ],
    ),
    '',
  );
  out.push('## Run time of each part', '');
  out.push(
    table(
      ['part', 'seconds', 'where'],
      r.parts.map((p) => [p.part, f(p.seconds), p.where]),
    ),
    '',
  );
  if (r.estimate) out.push(...estimateSection(r.estimate, r));
  if (r.accuracy) out.push(...accuracySection(r.accuracy));
  if (r.identification) out.push(...identificationSection(r.identification));
  if (r.pairs.length > 0) out.push(...pairsSection(r.pairs, r.pairsTable));
  if (r.liveness) out.push(...livenessSection(r.liveness));
  if (r.options.parts.some((p) => p === 'speed' || p === 'verify' || p === 'import')) out.push(...speedSection(r));
  if (r.skipped.length > 0) {
    out.push('## Skipped', '');
    for (const x of r.skipped) out.push(`- **${x.part}**: ${x.reason}`);
    out.push('');
  }
  if (r.errors.length > 0) {
    out.push('## Errors', '');
    for (const e of r.errors) out.push(`- **${e.part}**: \`${e.message.split('\n')[0]}\``);
    out.push('');
  }
  return out.join('\n');
}
