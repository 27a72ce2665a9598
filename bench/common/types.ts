/**
 * The data that crosses between the bench's Node side (bench/node/) and its page (bench/page/),
 * and the shape of bench/results/latest.json. Plain JSON: no tensors, no classes.
 */
import type { AugmentConfigInput, CaptureConfig, CropMode, FaceConfig, ModelConfig, TrainingConfig, VerifyConfig } from '../../src/config';
import type { TargetPlan } from '../../tools/lfw';
import type { FrameSpec } from './frame';
import type { VariantSpec } from './variant-spec';
import type { IdentAttempt } from './identification';

export type BenchBackend = 'wasm' | 'cpu' | 'webgl';

// ---------------------------------------------------------------------------------------------
// Speed

/** What the page and the Node process both time: the reference model's forward pass and training step (bench/common/model-speed.ts). */
export interface ModelSpeedRequest {
  readonly model: Partial<ModelConfig>;
  /** Also time a training step (batch `batchSize`), or forward only. */
  readonly step: boolean;
  readonly batchSize: number;
  readonly warmup: number;
  readonly forwardReps: number;
  readonly stepReps: number;
  readonly seed: number;
}

/** What the face-recognition rows time (bench/common/model-speed.ts timeFaceRec). */
export interface FaceRecSpeedRequest {
  readonly warmup: number;
  /** Timed calls of each kind (backbone batch 1, backbone batch `batchSize`, head per n). */
  readonly forwardReps: number;
  /** Chips in the batched backbone call. */
  readonly batchSize: number;
  /** Numbers of cached descriptors the head compares one frame's descriptor with. */
  readonly headNs: readonly number[];
  readonly seed: number;
}

/** The face-recognition tower's timings (bench/common/model-speed.ts timeFaceRec), medians of the timed calls, ms. */
export interface FaceRecSpeed {
  /** One backbone call on one 150×150 chip (describe: to tensor, forward, descriptor read back). */
  readonly forwardMs: number;
  readonly forwardSamplesMs: readonly number[];
  readonly batchSize: number;
  /** One backbone call on `batchSize` chips. */
  readonly batchForwardMs: number;
  /** batchForwardMs / batchSize. */
  readonly batchPerChipMs: number;
  readonly batchSamplesMs: readonly number[];
  /** The head (headLogits) of one descriptor against n cached descriptors: ms a frame. */
  readonly head: readonly { readonly n: number; readonly ms: number; readonly samplesMs: readonly number[] }[];
  readonly warmup: number;
  readonly backboneParams: number;
  readonly headParams: number;
}

/** One Chromium page's speed run. */
export interface BackendSpeedRequest extends ModelSpeedRequest {
  readonly backend: BenchBackend;
  /** wasm threads asked for (the page must be able to give them: see run.ts on hardwareConcurrency). */
  readonly threads: number;
  /** URL of a face photo for the face detector's frame (pasted centred into a 640×480 frame). */
  readonly framePhoto: string;
}

/** The model's timings (bench/common/model-speed.ts timeModel). */
export interface ModelSpeed {
  /** Median of one embedding-tower forward pass on one 1×s×s×3 image, after warm-up, ms. */
  readonly embedForwardMs: number;
  /** Median of one training step (the app's train(), batch `batchSize`) after warm-up, ms; null when not run. */
  readonly trainStepMs: number | null;
  /** Untimed warm-up runs before the timed ones (forward; and step when a step was timed). */
  readonly warmup: number;
  readonly forwardSamplesMs: readonly number[];
  readonly stepSamplesMs: readonly number[];
  readonly params: number;
}

/** One Chromium page's speed results. */
export interface BackendSpeed extends ModelSpeed {
  readonly backend: BenchBackend;
  /** Threads the backend computes with (tfjs-backend-wasm's getThreadsCount; 1 for cpu/webgl). */
  readonly threads: number;
  /** The WebGL renderer string of the page (null when there is no WebGL). */
  readonly renderer: string | null;
  /** Whether that renderer is a software rasteriser (SwiftShader, llvmpipe…). */
  readonly softwareRenderer: boolean;
  readonly simd: boolean;
  /** Median of one face detection (src/face, short-range BlazeFace) on a 640×480 frame, ms. */
  readonly detectMs: number;
  readonly detectSamplesMs: readonly number[];
  /** Faces the detector found in that frame (1 expected). */
  readonly facesFound: number;
  /** Why something was not run, or what to know. */
  readonly note: string;
  /** Tensors alive after the run minus before (0 when nothing leaked). */
  readonly leakedTensors: number;
}

/** The tf.js backends the bench's Node process times (tools/common/node-backend: useWasmBackend / useCpuBackend). */
export type NodeBackend = 'wasm' | 'cpu';

/** One speed run in the bench's own Node process (bench/node/speed.ts). */
export interface NodeSpeedRequest extends ModelSpeedRequest {
  readonly backend: NodeBackend;
}

/** One speed run's results in the bench's Node process: the model only, no face detection. */
export interface NodeSpeed extends ModelSpeed {
  readonly backend: NodeBackend;
  /** Threads the backend computes with (tf.js runs wasm single-threaded under Node; 1 for cpu). */
  readonly threads: number;
  readonly simd: boolean;
  /** The tf.js version (the same package the page bundles). */
  readonly tfjs: string;
  readonly note: string;
  readonly leakedTensors: number;
}

/** The face-recognition tower's speed in the bench's Node process (bench/node/speed.ts speedFaceRecNode). */
export interface NodeFaceRecSpeed extends FaceRecSpeed {
  readonly backend: NodeBackend;
  readonly threads: number;
  readonly simd: boolean;
  readonly tfjs: string;
  readonly note: string;
  readonly leakedTensors: number;
}

/** A speed run that failed (page or Node). */
export interface SpeedFailure {
  readonly backend: string;
  readonly threads: number;
  readonly error: string;
}

/** A row of latest.json's speed.node. */
export type NodeSpeedRow = NodeSpeed | SpeedFailure;

/** A row of latest.json's speed.faceRecNode. */
export type NodeFaceRecSpeedRow = NodeFaceRecSpeed | SpeedFailure;

export interface VerifySpeedRequest {
  readonly model: Partial<ModelConfig>;
  readonly ns: readonly number[];
  readonly warmup: number;
  readonly cachedReps: number;
  readonly naiveReps: number;
  readonly seed: number;
  /** URL of a face photo for the frames of the with-detection timing (see BackendSpeedRequest). */
  readonly framePhoto: string;
}

export interface VerifySpeed {
  readonly n: number;
  /** One frame with the app's verifier (cached verification embeddings), median ms. */
  readonly cachedFrameMs: number;
  /** One frame the reference way: n separate siamese predictions (frame, image i), median ms. */
  readonly naiveFrameMs: number;
  /** One embedding-tower forward pass of the frame, median ms. */
  readonly embedForwardMs: number;
  /** Time to embed the n verification images once (setVerificationImages), ms. */
  readonly cacheBuildMs: number;
  /**
   * One frame from a 640×480 camera frame, cached verifier: the fixed square cropped and
   * preprocessed, then verified (the app's 'fixed' crop mode), median ms.
   */
  readonly fixedFrameMs: number;
  /** The same with the face crop: detect, crop the largest face, preprocess, verify (the app's default), median ms. */
  readonly faceFrameMs: number;
  /** The detection alone within faceFrameMs, median ms. */
  readonly detectMs: number;
  /**
   * The face-recognition network's frame (the app's default face model): detect, refine, align, one
   * backbone pass, then the head against n cached descriptors, median ms; its backbone pass alone.
   */
  readonly faceRecFrameMs: number;
  readonly faceRecBackboneMs: number;
  /** Largest |cached score − naive score| over the n images (both ways must agree). */
  readonly maxScoreDiff: number;
  readonly cachedReps: number;
  readonly naiveReps: number;
}

export interface VerifySpeedResult {
  readonly backend: BackendInfo;
  readonly rows: readonly VerifySpeed[];
  readonly leakedTensors: number;
}

export interface BackendInfo {
  readonly backend: string;
  readonly threads: number;
  readonly simd: boolean;
  readonly renderer: string | null;
  readonly reason: string;
}

export interface ImportSpeed {
  readonly images: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
  /** Peak of the page's used JS heap during the import (performance.memory, precise), MB. */
  readonly peakHeapMB: number;
  /** Used JS heap just before the import started, MB. */
  readonly startHeapMB: number;
  readonly skipped: number;
  /** Samples of kind 'negative' in IndexedDB afterwards (must equal `images`). */
  readonly storedAfter: number;
  readonly archiveMB: number;
  readonly people: number;
  /** Seconds spent building the .tgz in Node (not part of `seconds`). */
  readonly archiveBuildSeconds: number;
}

// ---------------------------------------------------------------------------------------------
// Accuracy

export type Condition = 'plain' | 'sameCamera';

export interface AccuracySetup {
  readonly targets: readonly TargetPlan[];
  /** URL prefix the page fetches photos from: `${photoBase}${person}/${file}`. */
  readonly photoBase: string;
  readonly threads: number;
  /** The app's training config of the Koch network, as each Koch variant starts from (the variant sets start, augment, epochs). */
  readonly training: TrainingConfig;
  /** The app's training config of the face-recognition network (FACEREC_TRAINING_CONFIG with the run's samples per class and seed). */
  readonly faceRecTraining: TrainingConfig;
  /**
   * The face-recognition variants' set-up, null when none runs: the backbone loaded, each photo's
   * face square kept at its camera resolution, and each frame's face described as the live app
   * does, once per condition listed.
   */
  readonly faceRec: { readonly conditions: readonly Condition[] } | null;
  readonly verify: VerifyConfig;
  readonly capture: CaptureConfig;
  readonly face: FaceConfig;
  readonly frame: FrameSpec;
  readonly capturesPerPhoto: number;
  readonly jitter: AugmentConfigInput;
  readonly seed: number;
}

/** How the two crops framed the simulated frames' photos (see bench/common/frame.ts cropFit). */
export interface CropStats {
  readonly crop: CropMode;
  /** Photos whose frame gave this crop (all for 'fixed'; those with a face for 'face'). */
  readonly photos: number;
  /** Photos with no face found (the face crop refuses them). */
  readonly noFace: number;
  /** Median distance of the crop centre from the photo centre, in photo sides. */
  readonly medianOffset: number;
  /** Median crop side / photo side. */
  readonly medianSizeRatio: number;
  /** Face crops shrunk or shifted to stay inside the frame. */
  readonly clamped: number;
}

export interface SetupInfo {
  readonly backend: BackendInfo;
  readonly negatives: { readonly count: number; readonly version: string; readonly people: number; readonly seconds: number };
  readonly photos: number;
  readonly params: number;
  readonly crops: readonly CropStats[];
  /** Photos with no face found, as person/file. */
  readonly noFacePhotos: readonly string[];
  /** Median ms of one detection on a simulated 640×480 frame during setup. */
  readonly detectMs: number;
  /** The face-recognition set-up (null when no face-recognition variant runs). */
  readonly faceRec: FaceRecSetupInfo | null;
  readonly seconds: number;
}

export interface FaceRecSetupInfo {
  /** The backbone weights' version (src/facerec loadBackbone) and the descriptors' (backbone + chip recipe). */
  readonly backboneVersion: string;
  readonly describerVersion: string;
  /** Frames whose face was described (describeFace), per condition. */
  readonly framesDescribed: number;
  /** Median ms of one describeFace (refine, align, backbone) on a 640×480 frame. */
  readonly describeFaceMs: number;
  /** Median side of the kept face squares, px (the captures' resolution). */
  readonly medianSquareSide: number;
  readonly seconds: number;
}

export interface EnrolmentRequest {
  readonly target: number;
  readonly condition: Condition;
  readonly variant: VariantSpec;
}

export interface Attempt {
  readonly person: string;
  readonly file: string;
  /** detection / N of the app's decision rule (0 when no face was found). */
  readonly verification: number;
  readonly granted: boolean;
  /** The detector found no face in the frame (face crop): the app refuses the attempt. */
  readonly noFace: boolean;
  /** Mean L1 distance of the raw 100×100 pixels to the verification captures (the baseline; 1 when no face). */
  readonly pixelDistance: number;
  /** The network's score against each verification capture (empty when no face was found); for `--scores`. */
  readonly scores: readonly number[];
}

export interface EnrolmentResult {
  readonly target: string;
  readonly condition: Condition;
  readonly variant: VariantSpec['id'];
  readonly genuine: readonly Attempt[];
  readonly impostor: readonly Attempt[];
  /** Share of the person's own enrolment photos (1–15, without jitter) granted: a sanity check. */
  readonly seenGranted: number;
  /** Enrolment photos left out because no face was found in their frame. */
  readonly skippedPhotos: number;
  /**
   * Face-recognition variants: the enrolment's captures (anchors, positives, verification) and
   * those in which describeStill found no face (their central square described, as the app does);
   * how long describing took in this enrolment (0 when cached by an earlier one). Null for Koch variants.
   */
  readonly faceRecCaptures: { readonly captures: number; readonly noFace: number; readonly describeSeconds: number } | null;
  readonly counts: {
    readonly anchors: number;
    readonly positives: number;
    readonly negatives: number;
    readonly verification: number;
    readonly trainPairs: number;
    readonly testPairs: number;
  };
  /** Per-epoch metrics of the app's train() on its own test split. */
  readonly history: readonly {
    readonly epoch: number;
    readonly trainLoss: number;
    readonly testLoss: number;
    readonly accuracy: number;
    readonly epochMs: number;
  }[];
  /**
   * The calibration after training (src/training calibrateHead): bias shift and the share of the
   * held-out cohort's comparisons above 0.5 before and after; null when the variant does not calibrate.
   */
  readonly calibration: {
    readonly biasShift: number;
    readonly farBefore: number;
    readonly farAfter: number;
    readonly anchors: number;
    readonly negatives: number;
    readonly targetFar: number;
  } | null;
  /**
   * The head's logits of the calibration cohort (src/training calibrationCohort: anchors × held-out
   * negatives) as trained, before any calibration; null for an untrained variant. For `--scores`.
   */
  readonly cohortLogits: readonly number[] | null;
  /** Seconds to get the starting network (loadPretrainedNetwork, or build + seeded init). */
  readonly loadSeconds: number;
  readonly trainSeconds: number;
  readonly verifySeconds: number;
  /** verifySeconds / attempts scored (genuine, impostor and own enrolment photos). */
  readonly msPerAttempt: number;
  readonly medianStepMs: number;
  readonly leakedTensors: number;
}

// ---------------------------------------------------------------------------------------------
// Identification (several people in one model)

/** One identification run on the accuracy set-up's frames (bench/page/identification.ts). */
export interface IdentificationRequest {
  /** The enrolled people: indices into the set-up's targets (their anchors, positives, verification images and test photos). */
  readonly enrolled: readonly number[];
  /** The non-enrolled people: indices into the set-up's targets (their test photos only). */
  readonly others: readonly number[];
  readonly condition: Condition;
  /** Train with the pairs across enrolled people (buildPeoplePairs' hardest negatives), or each person's pairs and the bundled negatives only. */
  readonly cross: boolean;
  /** The identification margin (DEFAULT_PEOPLE.margin). */
  readonly margin: number;
}

export interface IdentificationResult {
  readonly condition: Condition;
  readonly cross: boolean;
  /** The enrolled people, in the order of each attempt's shares. */
  readonly people: readonly string[];
  readonly attempts: readonly IdentAttempt[];
  readonly counts: {
    readonly anchors: number;
    readonly positives: number;
    /** Bundled negatives in the pairs. */
    readonly negatives: number;
    readonly verification: number;
    readonly trainPairs: number;
    readonly testPairs: number;
    readonly positivePairs: number;
    /** Pairs of a person's anchor with a bundled negative. */
    readonly bundledNegativePairs: number;
    /** Pairs of a person's anchor with another enrolled person's capture (the hardest negatives). */
    readonly crossPairs: number;
  };
  readonly history: EnrolmentResult['history'];
  readonly calibration: EnrolmentResult['calibration'];
  /** Seconds describing the captures this run needed first (0 when an earlier run had described them). */
  readonly describeSeconds: number;
  /** Seconds describing the bundled negatives this run needed first (the pairs' and the calibration cohort's). */
  readonly negativeSeconds: number;
  /** Seconds of train() and the calibration, which may include describing the cohort's negatives (negativeSeconds). */
  readonly trainSeconds: number;
  readonly scoreSeconds: number;
  readonly medianStepMs: number;
  readonly leakedTensors: number;
}
