/**
 * The data that crosses between the bench's Node side (bench/node/) and its page (bench/page/),
 * and the shape of bench/results/latest.json. Plain JSON: no tensors, no classes.
 */
import type { AugmentConfig, AugmentConfigInput, ModelConfig, TrainingConfig, VerifyConfig } from '../../src/config';

export type BenchBackend = 'wasm' | 'cpu' | 'webgl';

// ---------------------------------------------------------------------------------------------
// Speed

export interface BackendSpeedRequest {
  readonly backend: BenchBackend;
  /** wasm threads asked for (the page must be able to give them: see run.ts on hardwareConcurrency). */
  readonly threads: number;
  readonly model: Partial<ModelConfig>;
  /** Also time a training step (batch `batchSize`), or forward only. */
  readonly step: boolean;
  readonly batchSize: number;
  readonly warmup: number;
  readonly forwardReps: number;
  readonly stepReps: number;
  readonly seed: number;
}

export interface BackendSpeed {
  readonly backend: BenchBackend;
  /** Threads the backend computes with (tfjs-backend-wasm's getThreadsCount; 1 for cpu/webgl). */
  readonly threads: number;
  /** The WebGL renderer string of the page (null when there is no WebGL). */
  readonly renderer: string | null;
  /** Whether that renderer is a software rasteriser (SwiftShader, llvmpipe…). */
  readonly softwareRenderer: boolean;
  readonly simd: boolean;
  /** Median of one embedding-tower forward pass on one 1×s×s×3 image, after warm-up, ms. */
  readonly embedForwardMs: number;
  /** Median of one training step (the app's train(), batch `batchSize`) after warm-up, ms; null when not run. */
  readonly trainStepMs: number | null;
  /** Why something was not run, or what to know. */
  readonly note: string;
  /** Untimed warm-up runs before the timed ones (forward; and step when a step was timed). */
  readonly warmup: number;
  readonly forwardSamplesMs: readonly number[];
  readonly stepSamplesMs: readonly number[];
  readonly params: number;
  /** Tensors alive after the run minus before (0 when nothing leaked). */
  readonly leakedTensors: number;
}

export interface VerifySpeedRequest {
  readonly model: Partial<ModelConfig>;
  readonly ns: readonly number[];
  readonly warmup: number;
  readonly cachedReps: number;
  readonly naiveReps: number;
  readonly seed: number;
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

export interface TargetPlan {
  readonly name: string;
  /** Photo file names, in filename order. */
  readonly anchors: readonly string[];
  readonly positives: readonly string[];
  readonly verification: readonly string[];
  readonly test: readonly string[];
}

export interface AccuracySetup {
  readonly targets: readonly TargetPlan[];
  /** URL prefix the page fetches photos from: `${photoBase}${person}/${file}`. */
  readonly photoBase: string;
  readonly threads: number;
  readonly model: Partial<ModelConfig>;
  readonly training: TrainingConfig;
  readonly verify: VerifyConfig;
  readonly capturesPerPhoto: number;
  readonly jitter: AugmentConfigInput;
  /** Augmentation of training batches, as the app's training session applies it; null = none. */
  readonly trainAugment: AugmentConfig | null;
  readonly seed: number;
}

export interface SetupInfo {
  readonly backend: BackendInfo;
  readonly negatives: { readonly count: number; readonly version: string; readonly people: number; readonly seconds: number };
  readonly photos: number;
  readonly model: ModelConfig;
  readonly params: number;
  readonly seconds: number;
}

export interface Attempt {
  readonly person: string;
  readonly file: string;
  /** detection / N of the app's decision rule. */
  readonly verification: number;
  readonly granted: boolean;
  /** Mean L1 distance of the raw 100×100 pixels to the verification captures (the baseline). */
  readonly pixelDistance: number;
}

export interface EnrolmentResult {
  readonly target: string;
  readonly condition: Condition;
  readonly genuine: readonly Attempt[];
  readonly impostor: readonly Attempt[];
  /** Share of the person's own enrolment photos (1–15, without jitter) granted: a sanity check. */
  readonly seenGranted: number;
  readonly counts: { readonly anchors: number; readonly positives: number; readonly negatives: number; readonly verification: number; readonly trainPairs: number; readonly testPairs: number };
  /** Per-epoch metrics of the app's train() on its own test split. */
  readonly history: readonly { readonly epoch: number; readonly trainLoss: number; readonly testLoss: number; readonly accuracy: number; readonly epochMs: number }[];
  readonly trainSeconds: number;
  readonly verifySeconds: number;
  readonly medianStepMs: number;
  readonly leakedTensors: number;
}

export interface Rates {
  /** Genuine attempts denied / genuine attempts. */
  readonly frr: number;
  /** Impostor attempts granted / impostor attempts. */
  readonly far: number;
}

export interface RocSummary extends Rates {
  readonly eer: number;
  /** Threshold of the score at the EER point (granted when score > threshold). */
  readonly eerThreshold: number;
  readonly auc: number;
}
