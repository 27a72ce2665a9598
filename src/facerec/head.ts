import * as tf from '@tensorflow/tfjs';
import { L1Dist } from '../model';
import { DESCRIPTOR_SIZE } from './backbone';
import { FaceRecError } from './errors';

/**
 * The Siamese head on two face descriptors, exactly the reference (Koch) head: |p(d1) − p(d2)|
 * (L1Dist) → Dense(1, sigmoid). p is the identity, or, with `projection`, the seed's embedding
 * stage: a Dense(units, sigmoid) shared by both twins. The head is small (129 weights without the
 * projection), so it trains on cached descriptors in seconds.
 */

/** Layer names are part of the saved head's format. */
export const HEAD_LAYER_NAMES = {
  first: 'descriptor_a',
  second: 'descriptor_b',
  projection: 'projection',
  distance: 'distance',
  classifier: 'classifier',
} as const;

export interface HeadOptions {
  /** Units of the shared Dense sigmoid projection before L1, or 0 for none (default 0). */
  readonly projection?: number;
  /** Descriptor size (default 128). */
  readonly inputSize?: number;
  /** Seed of the initial weights (default 1), so training runs repeat. */
  readonly seed?: number;
}

/** [descriptor a, descriptor b] → P(same person), shape [batch, 1]. */
export function buildHead(options: HeadOptions = {}): tf.LayersModel {
  const size = options.inputSize ?? DESCRIPTOR_SIZE;
  const units = options.projection ?? 0;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(units) || units < 0)
    throw new FaceRecError('wrong-architecture', `projection = ${units}: expected 0 or a positive integer`);
  const a = tf.input({ shape: [size], name: HEAD_LAYER_NAMES.first });
  const b = tf.input({ shape: [size], name: HEAD_LAYER_NAMES.second });
  let pa: tf.SymbolicTensor = a;
  let pb: tf.SymbolicTensor = b;
  if (units > 0) {
    const projection = tf.layers.dense({
      units,
      activation: 'sigmoid',
      name: HEAD_LAYER_NAMES.projection,
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    });
    pa = projection.apply(a) as tf.SymbolicTensor;
    pb = projection.apply(b) as tf.SymbolicTensor;
  }
  const distance = new L1Dist({ name: HEAD_LAYER_NAMES.distance }).apply([pa, pb]) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({
      units: 1,
      activation: 'sigmoid',
      name: HEAD_LAYER_NAMES.classifier,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    })
    .apply(distance) as tf.SymbolicTensor;
  return tf.model({ inputs: [a, b], outputs: out, name: 'facerec_head' });
}

/** Units of a head's projection (0 when it has none). */
export function projectionUnits(head: tf.LayersModel): number {
  const layer = head.layers.find((l) => l.name === HEAD_LAYER_NAMES.projection);
  return layer ? ((layer.getConfig() as { units?: number }).units ?? 0) : 0;
}

/**
 * The whole Siamese network: two 150×150 chips → one shared backbone each → the head. The backbone
 * and head are shared (not copied): training this trains them.
 */
export function buildFaceRecSiamese(backbone: tf.LayersModel, head: tf.LayersModel): tf.LayersModel {
  const shape = backbone.inputs[0]!.shape.slice(1) as number[];
  const a = tf.input({ shape, name: 'chip_a' });
  const b = tf.input({ shape, name: 'chip_b' });
  const da = backbone.apply(a) as tf.SymbolicTensor;
  const db = backbone.apply(b) as tf.SymbolicTensor;
  const out = head.apply([da, db]) as tf.SymbolicTensor;
  return tf.model({ inputs: [a, b], outputs: out, name: 'facerec_siamese' });
}

/** [n, d] tensor of descriptors (the caller disposes it). */
export function stackDescriptors(descriptors: readonly Float32Array[], size = DESCRIPTOR_SIZE): tf.Tensor2D {
  const flat = new Float32Array(descriptors.length * size);
  descriptors.forEach((d, i) => {
    if (d.length !== size) throw new FaceRecError('wrong-architecture', `descriptor ${i} has ${d.length} values, not ${size}`);
    flat.set(d, i * size);
  });
  return tf.tensor2d(flat, [descriptors.length, size]);
}

/**
 * The head's logits (before the sigmoid) for pairs (a[i], b[i]), batched; no tensors left. The
 * probability is sigmoid(logit); logits keep the ranking where float32 sigmoid saturates.
 */
export function headLogits(head: tf.LayersModel, a: readonly Float32Array[], b: readonly Float32Array[], batchSize = 1024): Float32Array {
  if (a.length !== b.length) throw new FaceRecError('bad-chip', `${a.length} first and ${b.length} second descriptors`);
  const size = (head.inputs[0]!.shape[1] as number) ?? DESCRIPTOR_SIZE;
  const classifier = head.getLayer(HEAD_LAYER_NAMES.classifier);
  const distance = head.getLayer(HEAD_LAYER_NAMES.distance);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i += batchSize) {
    const part = tf.tidy(() => {
      let ta: tf.Tensor = stackDescriptors(a.slice(i, i + batchSize), size);
      let tb: tf.Tensor = stackDescriptors(b.slice(i, i + batchSize), size);
      const projection = head.layers.find((l) => l.name === HEAD_LAYER_NAMES.projection);
      if (projection) {
        ta = projection.apply(ta) as tf.Tensor;
        tb = projection.apply(tb) as tf.Tensor;
      }
      const [kernel, bias] = classifier.getWeights();
      const d = distance.apply([ta, tb]) as tf.Tensor2D;
      return tf.add(tf.matMul(d, kernel as tf.Tensor2D), bias!).dataSync() as Float32Array;
    });
    out.set(part, i);
  }
  return out;
}

/** Moves the classifier bias by −shift (in place): the calibration step. */
export function shiftHeadBias(head: tf.LayersModel, shift: number): void {
  if (shift === 0) return;
  const classifier = head.getLayer(HEAD_LAYER_NAMES.classifier);
  const [kernel, bias] = classifier.getWeights();
  if (!kernel || !bias) throw new FaceRecError('wrong-architecture', 'the head classifier has no bias');
  const moved = tf.tidy(() => tf.sub(bias, shift));
  classifier.setWeights([kernel, moved]);
  moved.dispose();
}

/** Drops one more reference of a layer used twice (a shared twin); no-op once it is disposed. */
function release(layer: tf.layers.Layer): void {
  try {
    layer.dispose();
  } catch (e) {
    if (!(e instanceof Error && /already disposed/.test(e.message))) throw e;
  }
}

/**
 * Disposes a head and its weights. A layer applied to both twins (the projection) holds two
 * references, and a model's dispose() drops only one of them, so it is released once more here.
 */
export function disposeHead(head: tf.LayersModel): void {
  head.dispose();
  const projection = head.layers.find((l) => l.name === HEAD_LAYER_NAMES.projection);
  if (projection) release(projection);
}

/** Disposes buildFaceRecSiamese's network with its shared backbone and head. */
export function disposeFaceRecSiamese(net: tf.LayersModel, backbone: tf.LayersModel, head: tf.LayersModel): void {
  net.dispose();
  release(backbone);
  release(head);
  const projection = head.layers.find((l) => l.name === HEAD_LAYER_NAMES.projection);
  if (projection) release(projection);
}
