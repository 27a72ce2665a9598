/**
 * The WebGL smoke check for the harness page: a small Siamese network (src/model buildSiamese)
 * with the same seeded weights runs one forward pass on the WebGL backend and one on wasm, both
 * started through the app's own `selectBackend({ force })`; the report holds both outputs' largest
 * difference, the WebGL renderer and whether tensors leaked. (On a machine whose WebGL is a
 * software renderer the app itself never picks WebGL; this shows the backend still computes
 * correctly where the app would pick it.)
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../src/data';
import { buildSiamese, disposeNetwork, probeWebGLRenderer, selectBackend, type BackendName } from '../../src/model';

/** Small enough for SwiftShader, large enough to exercise every layer kind of the real network. */
export const WEBGL_CHECK_CONFIG = { inputSize: 64, filters: [8, 16, 16, 32], embeddingSize: 64 } as const;
const BATCH = 4;

export interface ForwardRun {
  /** The backend that ran (tf.getBackend()). */
  readonly backend: string;
  /** selectBackend's one-line reason. */
  readonly reason: string;
  /** Siamese scores for the BATCH (anchor, other) pairs. */
  readonly scores: readonly number[];
  /** The embeddings of the BATCH anchors, flattened. */
  readonly embedding: readonly number[];
  readonly ms: number;
  /** Tensors left behind once the network is disposed (must be 0). */
  readonly leaked: number;
}

export interface WebglReport {
  /** The WebGL renderer string (e.g. SwiftShader's), null without WebGL. */
  readonly renderer: string | null;
  readonly webglVersion: number;
  /** Whether the WebGL backend renders to float32 textures (else float16). */
  readonly float32: boolean;
  readonly webgl: ForwardRun;
  readonly wasm: ForwardRun;
  readonly maxScoreDiff: number;
  readonly maxEmbeddingDiff: number;
}

function seededArray(n: number, seed: number, scale: number, offset = 0): Float32Array {
  const rand = createRng(seed);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = offset + (rand() * 2 - 1) * scale;
  return v;
}

async function forward(backend: BackendName): Promise<ForwardRun> {
  const report = await selectBackend({ force: backend });
  if (report.backend !== backend) throw new Error(`selectBackend({ force: '${backend}' }) started ${report.backend}: ${report.reason}`);
  const before = tf.memory().numTensors;
  const net = buildSiamese({ ...WEBGL_CHECK_CONFIG, filters: [...WEBGL_CHECK_CONFIG.filters] });
  let run: Omit<ForwardRun, 'leaked'>;
  try {
    // Seeded weights with variance 1/fan-in, so activations neither vanish nor saturate.
    const weights = net.model.getWeights().map((w, i) => {
      const fanIn = w.shape.length > 1 ? w.shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
      return tf.tensor(seededArray(w.size, 1000 + i, w.shape.length > 1 ? Math.sqrt(3 / fanIn) : 0.05), w.shape);
    });
    net.model.setWeights(weights);
    tf.dispose(weights);
    const s = WEBGL_CHECK_CONFIG.inputSize;
    const n = BATCH * s * s * 3;
    const a = tf.tensor4d(seededArray(n, 1, 0.5, 0.5), [BATCH, s, s, 3]);
    const b = tf.tensor4d(seededArray(n, 2, 0.5, 0.5), [BATCH, s, s, 3]);
    const t0 = performance.now();
    const [scores, embedding] = tf.tidy(() => [net.model.predict([a, b]) as tf.Tensor, net.embedding.predict(a) as tf.Tensor]);
    const [sv, ev] = await Promise.all([scores.data(), embedding.data()]);
    const ms = performance.now() - t0;
    tf.dispose([a, b, scores, embedding]);
    run = { backend: tf.getBackend(), reason: report.reason, scores: Array.from(sv), embedding: Array.from(ev), ms };
  } finally {
    disposeNetwork(net);
  }
  return { ...run, leaked: tf.memory().numTensors - before };
}

const maxAbsDiff = (x: readonly number[], y: readonly number[]) =>
  x.length !== y.length ? Infinity : x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);

export async function webglCheck(): Promise<WebglReport> {
  const renderer = probeWebGLRenderer();
  const webgl = await forward('webgl');
  const webglVersion = tf.env().getNumber('WEBGL_VERSION');
  const float32 = tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
  const wasm = await forward('wasm');
  return {
    renderer,
    webglVersion,
    float32,
    webgl,
    wasm,
    maxScoreDiff: maxAbsDiff(webgl.scores, wasm.scores),
    maxEmbeddingDiff: maxAbsDiff(webgl.embedding, wasm.embedding),
  };
}
