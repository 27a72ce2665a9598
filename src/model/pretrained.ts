import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MODEL_CONFIG, type ModelConfig } from '../config';
import { ModelFileError, expectedWeightShapes } from './io';
import { buildSiamese, wrapSiamese, type SiameseNetwork } from './siamese';

/**
 * The generic face-similarity model pretrained on LFW dev-train people (scripts/pretrain/), shipped
 * in public/models/pretrained/ as a uint8-quantized tf.js layers model. It has the reference
 * architecture ('paper' pooling), so only that config can start from it.
 */
export const PRETRAINED_PATH = 'models/pretrained/model.json';

export function hasPretrainedWeights(config: ModelConfig): boolean {
  const d = DEFAULT_MODEL_CONFIG;
  return (
    config.inputSize === d.inputSize &&
    config.embeddingSize === d.embeddingSize &&
    config.pool === d.pool &&
    config.filters.every((f, i) => f === d.filters[i]) &&
    config.kernels.every((k, i) => k === d.kernels[i])
  );
}

/** Loads the pretrained network from the app's own origin and checks its weight shapes. */
export async function loadPretrainedNetwork(baseUrl: string, config: ModelConfig = DEFAULT_MODEL_CONFIG): Promise<SiameseNetwork> {
  const model = await tf.loadLayersModel(`${baseUrl}${PRETRAINED_PATH}`);
  const want = expectedWeightShapes(config);
  const got = new Map(model.weights.map((w) => [w.originalName, JSON.stringify(w.shape)]));
  const same = want.length === got.size && want.every((w) => got.get(w.name) === JSON.stringify(w.shape));
  if (!same) {
    model.dispose();
    throw new ModelFileError('wrong-architecture', `The bundled pretrained model does not have the architecture of ${JSON.stringify(config)}`);
  }
  return wrapSiamese(model, config);
}

/**
 * The network a fresh training run starts from: the pretrained model (fine-tuning) for the
 * reference config, random weights (training from scratch, the reference behaviour) otherwise or
 * when `fromScratch` is set.
 */
export async function loadStartingNetwork(baseUrl: string, config: ModelConfig, fromScratch = false): Promise<SiameseNetwork> {
  if (fromScratch || !hasPretrainedWeights(config)) return buildSiamese(config);
  return loadPretrainedNetwork(baseUrl, config);
}
