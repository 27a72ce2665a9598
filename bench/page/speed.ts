/**
 * Speed of the app's model code on one backend (one page per backend: tfjs-backend-wasm fixes its
 * thread count once per page), and of the app's verifier against the reference way.
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildSiamese,
  disposeNetwork,
  isSoftwareRenderer,
  selectBackend,
  softwareRendererName,
  type SelectBackendOptions,
} from '../../src/model';
import { createVerifier } from '../../src/verify';
import { CHIP_SIZE, createFaceDescriber, describeTensor, DESCRIPTOR_SIZE, loadBackbone } from '../../src/facerec';
import { asKochConfig, DEFAULT_CAPTURE_CONFIG, DEFAULT_FACE_CONFIG, DEFAULT_VERIFY_CONFIG } from '../../src/config';
import { captureSquare } from '../../src/data';
import { createFaceDetector, faceCrop } from '../../src/face';
import { preprocess } from '../../src/model';
import { median } from '../../tools/common';
import { embedOnce, seededImages, stepNote, timeIt, timeModel } from '../common/model-speed';
import type { BackendInfo, BackendSpeed, BackendSpeedRequest, VerifySpeed, VerifySpeedRequest, VerifySpeedResult } from '../common/types';
import { centredFrame } from './frame';

export async function startBackend(options: SelectBackendOptions): Promise<BackendInfo> {
  const r = await selectBackend(options);
  return { backend: r.backend, threads: r.threads, simd: r.simd, renderer: r.renderer, reason: r.reason };
}

/** The model's forward pass and training step (bench/common/model-speed.ts) and the app's face detector, on one backend. */
export async function speedBackend(req: BackendSpeedRequest): Promise<BackendSpeed> {
  const info = await startBackend({ force: req.backend, threads: req.threads });
  if (info.backend !== req.backend) throw new Error(`asked for the ${req.backend} backend, got ${info.backend}: ${info.reason}`);
  const software = info.renderer !== null && isSoftwareRenderer(info.renderer);
  const before = tf.memory().numTensors;
  const skipStep = !req.step
    ? 'forward only'
    : req.backend === 'webgl' && software
      ? `forward only: WebGL here is a software renderer (${softwareRendererName(info.renderer ?? '')}), not a GPU`
      : null;
  const model = await timeModel(req, skipStep === null);

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
  return {
    backend: req.backend,
    threads: info.threads,
    renderer: info.renderer,
    softwareRenderer: software,
    simd: info.simd,
    ...model,
    detectMs: median(detectSamplesMs),
    detectSamplesMs,
    facesFound,
    note: skipStep ?? stepNote(req.batchSize),
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
  const s = asKochConfig(net.config).inputSize;
  const nMax = Math.max(...req.ns);
  const images = seededImages([nMax, s, s, 3], req.seed) as tf.Tensor4D;
  const frame4 = seededImages([1, s, s, 3], req.seed + 1) as tf.Tensor4D;
  const frame = tf.squeeze(frame4, [0]) as tf.Tensor3D;
  const verifier = createVerifier(net);
  // The face-recognition network, as the app verifies with it by default: the shipped backbone
  // (fetched from the bench page's origin) and a head on descriptors.
  const backbone = await loadBackbone(import.meta.env.BASE_URL);
  const describer = createFaceDescriber({ backbone: backbone.model, backboneVersion: backbone.version, detector });
  const head = buildSiamese({ faceModel: 'facerec' });
  const headVerifier = createVerifier(head);
  const descriptors = tf.randomNormal([nMax, DESCRIPTOR_SIZE], 0, 0.1, 'float32', req.seed + 2);
  const chip = tf.zeros([1, CHIP_SIZE, CHIP_SIZE, 3]) as tf.Tensor4D;
  /** One frame as the app verifies with the face-recognition network (its live loop's detection included). */
  const faceRecFrame = async (): Promise<void> => {
    const [face] = await detector.detect(camera);
    if (!face) throw new Error(`no face found in the verify part's frame (${req.framePhoto})`);
    const d = tf.tensor1d(await describer.describeFace(camera, face));
    try {
      await headVerifier.verify(d, DEFAULT_VERIFY_CONFIG);
    } finally {
      d.dispose();
    }
  };
  /** The backbone's pass on one chip alone. */
  const backbonePass = async (): Promise<void> => void (await describeTensor(backbone.model, chip));
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
      const someDescriptors = tf.slice(descriptors, 0, n);
      headVerifier.setVerificationImages(someDescriptors);
      someDescriptors.dispose();
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
        await faceRecFrame();
      }
      const fixed: number[] = [];
      const face: number[] = [];
      const detect: number[] = [];
      const faceRec: number[] = [];
      const faceRecBackbone: number[] = [];
      for (let r = 0; r < req.cachedReps; r++) {
        fixed.push(await timeIt(fixedFrame));
        const t0 = performance.now();
        detect.push(await faceFrame());
        face.push(performance.now() - t0);
        faceRec.push(await timeIt(faceRecFrame));
        faceRecBackbone.push(await timeIt(backbonePass));
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
        faceRecFrameMs: median(faceRec),
        faceRecBackboneMs: median(faceRecBackbone),
        cacheBuildMs,
        maxScoreDiff,
        cachedReps: req.cachedReps,
        naiveReps: req.naiveReps,
      });
      console.log(
        `[bench] verify n=${n}: cached ${median(cached).toFixed(1)} ms, with fixed crop ${median(fixed).toFixed(1)} ms, with detection ${median(face).toFixed(1)} ms, face-recognition ResNet ${median(faceRec).toFixed(1)} ms, naive ${median(naive).toFixed(1)} ms per frame`,
      );
    }
  } finally {
    verifier.dispose();
    headVerifier.dispose();
    detector.dispose();
    tf.dispose([images, frame4, frame, descriptors, chip]);
    disposeNetwork(net);
    disposeNetwork(head);
    backbone.model.dispose();
  }
  return { backend: info, rows, leakedTensors: tf.memory().numTensors - before };
}
