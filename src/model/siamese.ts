import * as tf from '@tensorflow/tfjs';
import { validateModelConfig, type FaceRecConfig, type KochConfig, type ModelConfig } from '../config';
import { L1Dist } from './l1-dist';

/** Layer names are part of the saved-model format: the loader and the verifier look them up. */
export const LAYER_NAMES = {
  embedding: 'embedding',
  anchorInput: 'input_img',
  validationInput: 'validation_img',
  distance: 'distance',
  classifier: 'classifier',
} as const;

/**
 * The Siamese network of either face model. Its inputs are what the face model feeds it:
 * - 'koch': images [batch, s, s, 3] in [0, 1];
 * - 'facerec': face descriptors [batch, 128] from the face-recognition backbone (src/facerec),
 *   computed once per image outside the network, so the network is only the head and trains in
 *   seconds.
 */
export interface SiameseNetwork {
  /** The whole network: [anchor, validation] → P(same person), shape [batch, 1]. */
  readonly model: tf.LayersModel;
  /** The shared tower: one input → embedding [batch, E]. For 'facerec', the identity or the projection. */
  readonly embedding: tf.LayersModel;
  /** The Dense(1, sigmoid) head applied to |e1 − e2|. */
  readonly classifier: tf.layers.Layer;
  readonly config: ModelConfig;
}

/** The shape of one input of the network (without the batch axis). */
export function inputShape(config: ModelConfig): number[] {
  return config.faceModel === 'facerec' ? [config.descriptorSize] : [config.inputSize, config.inputSize, 3];
}

/** Spatial size after each stage, for the config check and for tests. */
export function stageSizes(config: KochConfig): number[] {
  const sizes: number[] = [config.inputSize];
  let s = config.inputSize;
  config.kernels.forEach((k, i) => {
    s = s - k + 1; // 'valid' convolution
    sizes.push(s);
    if (i < 3) {
      s = Math.ceil(s / 2); // max-pool stride 2, 'same'
      sizes.push(s);
    }
  });
  return sizes;
}

/** The embedding tower (Conv → pool ×3, Conv, Flatten, Dense sigmoid). */
export function buildEmbedding(config: KochConfig): tf.LayersModel {
  const poolSize = config.pool === 'notebook' ? 64 : 2;
  const input = tf.input({ shape: [config.inputSize, config.inputSize, 3], name: 'input_image' });
  let x: tf.SymbolicTensor = input;
  for (let i = 0; i < 4; i++) {
    x = tf.layers
      .conv2d({ filters: config.filters[i]!, kernelSize: config.kernels[i]!, activation: 'relu', name: `conv${i + 1}` })
      .apply(x) as tf.SymbolicTensor;
    if (i < 3) {
      x = tf.layers.maxPooling2d({ poolSize, strides: 2, padding: 'same', name: `pool${i + 1}` }).apply(x) as tf.SymbolicTensor;
    }
  }
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: config.embeddingSize, activation: 'sigmoid', name: 'dense_embedding' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: LAYER_NAMES.embedding });
}

/**
 * The face-recognition network's tower on descriptors: the seed's Dense sigmoid embedding
 * (`projection` units), or, without one, the descriptor itself (a linear activation: a layers
 * model needs a layer between its input and output).
 */
export function buildDescriptorEmbedding(config: FaceRecConfig): tf.LayersModel {
  const input = tf.input({ shape: [config.descriptorSize], name: 'input_descriptor' });
  const layer =
    config.projection > 0
      ? tf.layers.dense({ units: config.projection, activation: 'sigmoid', name: 'projection' })
      : tf.layers.activation({ activation: 'linear', name: 'descriptor' });
  return tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor, name: LAYER_NAMES.embedding });
}

/**
 * Builds the Siamese network from a (partial) config; the default is the reference design with
 * 38,964,545 parameters; `faceModel: 'facerec'` builds the head on face descriptors. The two
 * inputs share one embedding tower; the layer names are the same for both face models.
 */
export function buildSiamese(partial: Partial<ModelConfig> = {}): SiameseNetwork {
  const config = validateModelConfig(partial);
  if (config.faceModel === 'facerec') return assemble(buildDescriptorEmbedding(config), config);
  const last = stageSizes(config).at(-1)!;
  if (last < 1) {
    throw new Error(
      `inputSize ${config.inputSize} is too small for kernels ${config.kernels.join(',')}: final map would be ${last}×${last}`,
    );
  }
  return assemble(buildEmbedding(config), config);
}

/** [anchor, validation] → shared tower → L1Dist → Dense(1, sigmoid). */
function assemble(embedding: tf.LayersModel, config: ModelConfig): SiameseNetwork {
  const shape = inputShape(config);
  const anchor = tf.input({ shape, name: LAYER_NAMES.anchorInput });
  const validation = tf.input({ shape, name: LAYER_NAMES.validationInput });
  const e1 = embedding.apply(anchor) as tf.SymbolicTensor;
  const e2 = embedding.apply(validation) as tf.SymbolicTensor;
  const distance = new L1Dist({ name: LAYER_NAMES.distance }).apply([e1, e2]) as tf.SymbolicTensor;
  const classifier = tf.layers.dense({ units: 1, activation: 'sigmoid', name: LAYER_NAMES.classifier });
  const out = classifier.apply(distance) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [anchor, validation], outputs: out, name: 'siamese' });
  return { model, embedding, classifier, config };
}

/** Recovers the parts of a loaded siamese model (e.g. from tf.loadLayersModel). */
export function wrapSiamese(model: tf.LayersModel, config: ModelConfig): SiameseNetwork {
  const embedding = model.getLayer(LAYER_NAMES.embedding) as unknown as tf.LayersModel;
  const classifier = model.getLayer(LAYER_NAMES.classifier);
  return { model, embedding, classifier, config };
}
