/** The pretrained head as files: a tf.js layers model (model.json + weights.bin, float32). */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { projectionUnits } from '../../src/facerec';

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
  let saved: tf.io.ModelArtifacts | undefined;
  await head.save(
    tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })),
  );
  const a = saved!;
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData!));
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    userDefinedMetadata: { projection: projectionUnits(head), ...metadata },
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
