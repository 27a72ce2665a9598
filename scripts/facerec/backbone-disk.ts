/** The shipped backbone read from disk (public/models/face-recognition), for Node scripts and tests. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { BACKBONE_MANIFEST, buildBackbone, parseWeightsManifest, setFaceApiWeights } from '../../src/facerec';
import { versionOf } from '../../src/model';

export async function loadBackboneFromDisk(dir: string): Promise<{ model: tf.LayersModel; version: string }> {
  const file = path.join(dir, BACKBONE_MANIFEST);
  const text = await readFile(file, 'utf8');
  const manifest = parseWeightsManifest(JSON.parse(text), file);
  const shards = await Promise.all(manifest.paths.map((p) => readFile(path.join(dir, p))));
  const all = Buffer.concat(shards);
  const model = buildBackbone();
  try {
    setFaceApiWeights(model, manifest.specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, version: versionOf(text) };
}
