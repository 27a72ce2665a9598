/**
 * The pretrained head as files: the app's Siamese network on descriptors (src/model buildSiamese
 * with faceModel 'facerec', the layout the app loads, trains and saves) as a tf.js layers model
 * (model.json + weights.bin, float32), its weights copied from the pipeline's head.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { HEAD_LAYER_NAMES, projectionUnits } from '../../src/facerec';
import { buildSiamese, disposeNetwork } from '../../src/model';

export interface HeadMetadata {
  /** The bias shift of the calibration: loadHead() reports it as biasShift. */
  readonly calibration: { readonly biasShift: number };
  readonly [key: string]: unknown;
}

/** model.json (as text) and the weight bytes of `head`, with `metadata` as userDefinedMetadata. */
export async function headFiles(
  head: tf.LayersModel,
  metadata: HeadMetadata,
): Promise<{ modelJson: string; weights: Uint8Array<ArrayBuffer> }> {
  const projection = projectionUnits(head);
  const net = buildSiamese({ faceModel: 'facerec', projection });
  let saved: tf.io.ModelArtifacts | undefined;
  try {
    net.classifier.setWeights(head.getLayer(HEAD_LAYER_NAMES.classifier).getWeights());
    if (projection > 0) net.embedding.getLayer('projection').setWeights(head.getLayer(HEAD_LAYER_NAMES.projection).getWeights());
    await net.model.save(
      tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })),
    );
  } finally {
    disposeNetwork(net);
  }
  const a = saved!;
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!));
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    userDefinedMetadata: { projection, ...metadata },
  };
  return { modelJson: JSON.stringify(modelJson), weights };
}

/** Writes headFiles() into `dir`; returns the weights' size in bytes. */
export async function exportHead(head: tf.LayersModel, dir: string, metadata: HeadMetadata): Promise<number> {
  const { modelJson, weights } = await headFiles(head, metadata);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'weights.bin'), weights);
  await writeFile(path.join(dir, 'model.json'), modelJson);
  return weights.byteLength;
}
