/**
 * The speed part's plan (one Chromium page per backend, and runs in the bench's own Node process)
 * and its Node runs: the reference model's forward pass and training step with the app's code on
 * tf.js wasm (src/model useWasmBackend: single-threaded SIMD, as tf.js runs wasm under Node) and
 * cpu (forward only), timed by the same code as the page (bench/common/model-speed.ts); and the
 * face-recognition tower (the shipped backbone and head, read from disk) on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_TRAINING_CONFIG } from '../../src/config';
import { useCpuBackend, useWasmBackend } from '../../tools/common/node-backend';
import type { SpeedReps } from '../common/estimate';
import { disposeHead } from '../../src/facerec';
import { loadBackboneFromDisk, loadHeadFromDisk } from '../../tools/facerec';
import { stepNote, timeFaceRec, timeModel } from '../common/model-speed';
import type {
  BackendSpeedRequest,
  FaceRecSpeedRequest,
  ModelSpeedRequest,
  NodeFaceRecSpeed,
  NodeSpeed,
  NodeSpeedRequest,
} from '../common/types';

/** What a Node row's note says about face detection. */
export const NODE_NO_DETECTION = 'no face detection in Node (the detector takes a browser frame)';

type SpeedPlanOptions = SpeedReps & { readonly seed: number };

/** The model part of every speed request: the reference model, the app's batch size. */
function modelRequest(o: SpeedPlanOptions): Omit<ModelSpeedRequest, 'step'> {
  return {
    model: {},
    batchSize: DEFAULT_TRAINING_CONFIG.batchSize,
    warmup: o.warmup,
    forwardReps: o.forwardReps,
    stepReps: o.stepReps,
    seed: o.seed,
  };
}

/** A cpu step of the reference model takes minutes (~130 s measured): forward only, and few of those (~1.3 s each). */
const cpuForwardOnly = (o: SpeedPlanOptions) => ({ step: false, forwardReps: Math.min(o.forwardReps, 3), warmup: 1 });

/** The speed part's Chromium pages, in run order: one per backend. */
export function pageSpeedRequests(o: SpeedPlanOptions, framePhoto: string): BackendSpeedRequest[] {
  const base = { ...modelRequest(o), framePhoto };
  return [
    { ...base, backend: 'wasm', threads: 1, step: true },
    { ...base, backend: 'wasm', threads: 2, step: true },
    { ...base, ...cpuForwardOnly(o), backend: 'cpu', threads: 1 },
    // The page skips the step when WebGL is a software renderer (no GPU) and says so.
    { ...base, backend: 'webgl', threads: 1, step: true, forwardReps: Math.min(o.forwardReps, 5) },
  ];
}

/** The speed part's runs in the bench's Node process, in run order (wasm, then cpu forward only). */
export function nodeSpeedRequests(o: SpeedPlanOptions): NodeSpeedRequest[] {
  const base = modelRequest(o);
  return [
    { ...base, backend: 'wasm', step: true },
    { ...base, ...cpuForwardOnly(o), backend: 'cpu' },
  ];
}

/** Chips in the face-recognition backbone's batched call (the batch scripts/facerec describes LFW photos with). */
export const FACEREC_BATCH = 8;

/** The face-recognition rows' request: the run's repetitions, n as the verify part's. */
export function faceRecSpeedRequest(o: SpeedPlanOptions & { readonly verifyNs: readonly number[] }): FaceRecSpeedRequest {
  return { warmup: o.warmup, forwardReps: o.forwardReps, batchSize: FACEREC_BATCH, headNs: o.verifyNs, seed: o.seed };
}

async function backendInfo(backend: 'wasm' | 'cpu') {
  await (backend === 'cpu' ? useCpuBackend() : useWasmBackend());
  if (tf.getBackend() !== backend) throw new Error(`asked for the ${backend} backend, tf.js runs ${tf.getBackend()}`);
  const wasm = backend === 'wasm';
  const simd = wasm && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = wasm ? getThreadsCount() : 1;
  const runs = wasm
    ? `tf.js wasm under Node: ${threads} thread${threads === 1 ? '' : 's'}${simd ? ', SIMD' : ''}`
    : 'tf.js cpu (plain JavaScript)';
  return { simd, threads, runs };
}

/**
 * The face-recognition tower on Node wasm (bench/common/model-speed.ts timeFaceRec): the shipped
 * backbone (public/models/face-recognition) and pretrained head, read from disk. The backend stays
 * selected. Seeded random chips: no face detection or alignment here.
 */
export async function speedFaceRecNode(
  req: FaceRecSpeedRequest,
  dirs: { backbone?: string; publicDir?: string } = {},
): Promise<NodeFaceRecSpeed> {
  const { simd, threads, runs } = await backendInfo('wasm');
  const before = tf.memory().numTensors;
  const backbone = await loadBackboneFromDisk(dirs.backbone);
  let timings;
  try {
    const head = await loadHeadFromDisk(dirs.publicDir);
    try {
      timings = await timeFaceRec(backbone.model, head.head, req);
    } finally {
      disposeHead(head.head);
    }
  } finally {
    backbone.model.dispose();
  }
  return {
    backend: 'wasm',
    threads,
    simd,
    tfjs: tf.version.tfjs,
    ...timings,
    note: `backbone: describe() on seeded 150×150 chips (to tensor, forward, read back); head: headLogits of one descriptor against n cached; ${runs}; no detection or alignment`,
    leakedTensors: tf.memory().numTensors - before,
  };
}

/**
 * Selects the request's backend in this process (src/model useWasmBackend / useCpuBackend) and
 * times the model on it. The backend stays selected: every Node part selects its own (runPairs
 * does).
 */
export async function speedNode(req: NodeSpeedRequest): Promise<NodeSpeed> {
  const { simd, threads, runs } = await backendInfo(req.backend);
  const before = tf.memory().numTensors;
  const model = await timeModel(req, req.step);
  return {
    backend: req.backend,
    threads,
    simd,
    tfjs: tf.version.tfjs,
    ...model,
    note: `${req.step ? stepNote(req.batchSize) : 'forward only'}; ${runs}; ${NODE_NO_DETECTION}`,
    leakedTensors: tf.memory().numTensors - before,
  };
}
