/**
 * Speed of the app's model code on one backend (one page per backend: tfjs-backend-wasm fixes its
 * thread count once per page), and of the app's verifier against the reference way.
 */
import * as tf from '@tensorflow/tfjs';
import { buildPairs } from '../../src/data/pairs';
import { createRng } from '../../src/data/random';
import { buildSiamese, disposeNetwork, isSoftwareRenderer, selectBackend, softwareRendererName, type SelectBackendOptions, type SiameseNetwork } from '../../src/model';
import { train } from '../../src/training';
import { createVerifier } from '../../src/verify';
import { DEFAULT_CAPTURE_CONFIG, DEFAULT_FACE_CONFIG, DEFAULT_VERIFY_CONFIG } from '../../src/config';
import { captureSquare } from '../../src/data/crop';
import { createFaceDetector, faceCrop } from '../../src/face';
import { preprocess } from '../../src/model';
import { median } from '../common/metrics';
import type { BackendInfo, BackendSpeed, BackendSpeedRequest, VerifySpeed, VerifySpeedRequest, VerifySpeedResult } from '../common/types';
import { centredFrame } from './frame';

/** Seeded values in [0, 1) of a shape (random images). */
function seededImages(shape: readonly number[], seed: number): tf.Tensor {
  const rand = createRng(seed);
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = rand();
  return tf.tensor(v, [...shape]);
}

async function timeIt(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** One tower pass on one image, waiting for the result. */
async function embedOnce(net: SiameseNetwork, frame: tf.Tensor4D): Promise<void> {
  const e = net.embedding.predict(frame) as tf.Tensor;
  await e.data();
  e.dispose();
}

export async function startBackend(options: SelectBackendOptions): Promise<BackendInfo> {
  const r = await selectBackend(options);
  return { backend: r.backend, threads: r.threads, simd: r.simd, renderer: r.renderer, reason: r.reason };
}

export async function speedBackend(req: BackendSpeedRequest): Promise<BackendSpeed> {
  const info = await startBackend({ force: req.backend, threads: req.threads });
  if (info.backend !== req.backend) throw new Error(`asked for the ${req.backend} backend, got ${info.backend}: ${info.reason}`);
  const software = info.renderer !== null && isSoftwareRenderer(info.renderer);
  const before = tf.memory().numTensors;
  const net = buildSiamese(req.model);
  const s = net.config.inputSize;
  const frame = seededImages([1, s, s, 3], req.seed) as tf.Tensor4D;

  const forwardSamplesMs: number[] = [];
  for (let i = 0; i < req.warmup + req.forwardReps; i++) {
    const ms = await timeIt(() => embedOnce(net, frame));
    if (i >= req.warmup) forwardSamplesMs.push(ms);
  }
  frame.dispose();

  // The face detector (the app's default, short-range BlazeFace) on one 640×480 camera frame.
  const camera = await centredFrame(req.framePhoto);
  const detector = await createFaceDetector({ variant: DEFAULT_FACE_CONFIG.variant });
  const detectSamplesMs: number[] = [];
  let facesFound = 0;
  try {
    for (let i = 0; i < req.warmup + req.forwardReps; i++) {
      const t0 = performance.now();
      facesFound = (await detector.detect(camera)).length;
      if (i >= req.warmup) detectSamplesMs.push(performance.now() - t0);
    }
  } finally {
    detector.dispose();
  }

  let note = '';
  const stepSamplesMs: number[] = [];
  if (!req.step) {
    note = 'forward only';
  } else if (req.backend === 'webgl' && software) {
    note = `forward only: WebGL here is a software renderer (${softwareRendererName(info.renderer ?? '')}), not a GPU`;
  } else {
    // The app's train(): one epoch of warm-up + reps batches, timed per step by its onBatch.
    const steps = req.warmup + req.stepReps;
    const nImages = 2 * req.batchSize;
    const images = seededImages([nImages, s, s, 3], req.seed + 1) as tf.Tensor4D;
    const ids = Array.from({ length: nImages }, (_, i) => `img${i}`);
    const third = Math.ceil(nImages / 3);
    const pairs = buildPairs(
      { anchors: ids.slice(0, third), positives: ids.slice(third, 2 * third), negatives: ids.slice(2 * third) },
      { samplesPerClass: nImages, trainFraction: 0.5, seed: req.seed },
    );
    // Enough training pairs for `steps` full batches (pairs repeat; the cost of a step does not
    // depend on which images it sees); one test pair keeps the end-of-epoch evaluation negligible.
    const trainPairs = Array.from({ length: steps * req.batchSize }, (_, i) => pairs.train[i % pairs.train.length]!);
    try {
      await train(
        net,
        { images, index: new Map(ids.map((id, i) => [id, i])), train: trainPairs, test: pairs.test.slice(0, 1) },
        { epochs: 1, batchSize: req.batchSize, seed: req.seed, checkpointEvery: 1000 },
        { onBatch: (p) => p.batch > req.warmup && stepSamplesMs.push(p.stepMs) },
      );
    } finally {
      images.dispose();
    }
    note = `train step: the app's train(), batch ${req.batchSize}, Adam`;
  }
  const params = net.model.countParams();
  disposeNetwork(net);
  return {
    backend: req.backend,
    threads: info.threads,
    renderer: info.renderer,
    softwareRenderer: software,
    simd: info.simd,
    embedForwardMs: median(forwardSamplesMs),
    trainStepMs: stepSamplesMs.length > 0 ? median(stepSamplesMs) : null,
    detectMs: median(detectSamplesMs),
    detectSamplesMs,
    facesFound,
    note,
    warmup: req.warmup,
    forwardSamplesMs,
    stepSamplesMs,
    params,
    leakedTensors: tf.memory().numTensors - before,
  };
}

/**
 * The app's verifier (embeddings of the n verification images cached; per frame one tower pass and
 * the Dense head on n distances) against the reference notebook's way: per frame, n separate
 * predictions of the whole siamese network on (frame, image i). The notebook also re-read and
 * preprocessed the n images every frame; that part is not counted here.
 */
export async function speedVerify(req: VerifySpeedRequest, backend: SelectBackendOptions): Promise<VerifySpeedResult> {
  const info = await startBackend(backend);
  const before = tf.memory().numTensors;
  // A camera frame (a face photo in a 640×480 frame) for the per-frame timings with cropping.
  const camera = await centredFrame(req.framePhoto);
  const detector = await createFaceDetector({ variant: DEFAULT_FACE_CONFIG.variant });
  const net = buildSiamese(req.model);
  const s = net.config.inputSize;
  const nMax = Math.max(...req.ns);
  const images = seededImages([nMax, s, s, 3], req.seed) as tf.Tensor4D;
  const frame4 = seededImages([1, s, s, 3], req.seed + 1) as tf.Tensor4D;
  const frame = tf.squeeze(frame4, [0]) as tf.Tensor3D;
  const verifier = createVerifier(net);
  const rows: VerifySpeed[] = [];
  const fixedSquare = captureSquare(camera.width, camera.height, DEFAULT_CAPTURE_CONFIG);
  /** One frame as the app's 'fixed' crop mode: crop the fixed square, preprocess, verify. */
  const fixedFrame = async () => {
    const x = preprocess(camera, s, fixedSquare);
    try {
      await verifier.verify(x, DEFAULT_VERIFY_CONFIG);
    } finally {
      x.dispose();
    }
  };
  /** One frame as the app's default 'face' crop mode: detect, crop the largest face, preprocess, verify; returns the detection ms. */
  const faceFrame = async (): Promise<number> => {
    const t0 = performance.now();
    const crop = faceCrop(await detector.detect(camera), camera.width, camera.height, DEFAULT_FACE_CONFIG);
    const detectMs = performance.now() - t0;
    if (!crop) throw new Error(`no face found in the verify part's frame (${req.framePhoto})`);
    const x = preprocess(camera, s, crop.square);
    try {
      await verifier.verify(x, DEFAULT_VERIFY_CONFIG);
    } finally {
      x.dispose();
    }
    return detectMs;
  };

  const naiveFrame = async (n: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = tf.tidy(() => net.model.predict([frame4, tf.slice(images, i, 1)]) as tf.Tensor);
      out.push((await p.data())[0]!);
      p.dispose();
    }
    return out;
  };

  try {
    // Warm-up of every shape used below (batch-1 tower, batch-1 siamese, head on each n).
    for (let i = 0; i < req.warmup; i++) {
      await embedOnce(net, frame4);
      await naiveFrame(1);
    }
    for (const n of req.ns) {
      const subset = tf.slice(images, 0, n);
      const cacheBuildMs = await timeIt(async () => {
        verifier.setVerificationImages(subset);
        await tf.nextFrame(); // let the backend flush; setVerificationImages is synchronous
      });
      subset.dispose();
      for (let i = 0; i < req.warmup; i++) await verifier.verify(frame, DEFAULT_VERIFY_CONFIG);
      const cached: number[] = [];
      const forward: number[] = [];
      let cachedScores: readonly number[] = [];
      for (let r = 0; r < req.cachedReps; r++) {
        const t0 = performance.now();
        cachedScores = (await verifier.verify(frame, DEFAULT_VERIFY_CONFIG)).scores;
        cached.push(performance.now() - t0);
        forward.push(await timeIt(() => embedOnce(net, frame4)));
      }
      for (let i = 0; i < req.warmup; i++) {
        await fixedFrame();
        await faceFrame();
      }
      const fixed: number[] = [];
      const face: number[] = [];
      const detect: number[] = [];
      for (let r = 0; r < req.cachedReps; r++) {
        fixed.push(await timeIt(fixedFrame));
        const t0 = performance.now();
        detect.push(await faceFrame());
        face.push(performance.now() - t0);
      }
      const naive: number[] = [];
      let naiveScores: number[] = [];
      for (let r = 0; r < req.naiveReps; r++) {
        const t0 = performance.now();
        naiveScores = await naiveFrame(n);
        naive.push(performance.now() - t0);
      }
      const maxScoreDiff = Math.max(...naiveScores.map((x, i) => Math.abs(x - (cachedScores[i] ?? NaN))));
      rows.push({
        n,
        cachedFrameMs: median(cached),
        naiveFrameMs: median(naive),
        embedForwardMs: median(forward),
        fixedFrameMs: median(fixed),
        faceFrameMs: median(face),
        detectMs: median(detect),
        cacheBuildMs,
        maxScoreDiff,
        cachedReps: req.cachedReps,
        naiveReps: req.naiveReps,
      });
      console.log(
        `[bench] verify n=${n}: cached ${median(cached).toFixed(1)} ms, with fixed crop ${median(fixed).toFixed(1)} ms, with detection ${median(face).toFixed(1)} ms, naive ${median(naive).toFixed(1)} ms per frame`,
      );
    }
  } finally {
    verifier.dispose();
    detector.dispose();
    tf.dispose([images, frame4, frame]);
    disposeNetwork(net);
  }
  return { backend: info, rows, leakedTensors: tf.memory().numTensors - before };
}
