import * as tf from '@tensorflow/tfjs';
import { validateFaceRecConfig } from '../config';
import { disposeNetwork, FACEREC_PRETRAINED_PATH, loadPretrained, type PretrainedOptions } from '../model';
import { buildHead, HEAD_LAYER_NAMES } from './head';

/**
 * The pretrained, calibrated Siamese head (scripts/facerec/, public/models/face-recognition-head/),
 * shipped as the app's Siamese network on descriptors (src/model buildSiamese with faceModel
 * 'facerec') and loaded by src/model's loadPretrained, as a stand-alone head (buildHead's layout)
 * for the pipeline and the bench, which score descriptor pairs with headLogits.
 */
export const HEAD_PATH = FACEREC_PRETRAINED_PATH;

export interface HeadLoad {
  readonly head: tf.LayersModel;
  /** Hash of model.json: the head's version. */
  readonly version: string;
  /** Units of the projection before L1 (0: none). */
  readonly projection: number;
  /**
   * How far the classifier bias was moved from its trained value by calibration (model.json's
   * userDefinedMetadata.calibration.biasShift; 0 when absent). `head` has the calibrated bias.
   */
  readonly biasShift: number;
}

export interface HeadLoadOptions extends PretrainedOptions {
  /** Units of the projection the file has (default 0, the shipped head). */
  readonly projection?: number;
}

/** Loads the pretrained head from `${baseUrl}${HEAD_PATH}`. Throws src/model's ModelFileError. */
export async function loadHead(baseUrl: string, options: HeadLoadOptions = {}): Promise<HeadLoad> {
  const config = validateFaceRecConfig({ projection: options.projection ?? 0 });
  const loaded = await loadPretrained(baseUrl, config, options);
  try {
    const head = buildHead({ projection: config.projection, inputSize: config.descriptorSize });
    head.getLayer(HEAD_LAYER_NAMES.classifier).setWeights(loaded.net.classifier.getWeights());
    if (config.projection > 0)
      head.getLayer(HEAD_LAYER_NAMES.projection).setWeights(loaded.net.embedding.getLayer('projection').getWeights());
    return { head, version: loaded.version, projection: config.projection, biasShift: loaded.biasShift };
  } finally {
    disposeNetwork(loaded.net);
  }
}
