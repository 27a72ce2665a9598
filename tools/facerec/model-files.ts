/**
 * The shipped face-recognition models read from disk, for Node scripts, the bench and tests: the
 * backbone (public/models/face-recognition, face-api's weight files) and the pretrained, calibrated
 * head (public/models/face-recognition-head, loaded by the app's own loadHead).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as tf from '@tensorflow/tfjs';
import {
  BACKBONE_DIR,
  BACKBONE_MANIFEST,
  buildBackbone,
  loadHead,
  parseWeightsManifest,
  setFaceApiWeights,
  type HeadLoad,
} from '../../src/facerec';
import { versionOf } from '../../src/model';
import { REPO_ROOT } from '../lfw';

/** The app's public folder, where `BACKBONE_DIR` and the head's folder lie. */
export const PUBLIC_DIR = path.join(REPO_ROOT, 'public');
/** The shipped backbone's folder on disk. */
export const BACKBONE_DISK_DIR = path.join(PUBLIC_DIR, BACKBONE_DIR);

/** The backbone (buildBackbone()) with the weights of `dir` (default: the shipped ones); the caller disposes it. */
export async function loadBackboneFromDisk(dir: string = BACKBONE_DISK_DIR): Promise<{ model: tf.LayersModel; version: string }> {
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

/** A fetch that reads file:// URLs from disk (404 when the file is missing). */
export const diskFetch: typeof fetch = async (input) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  try {
    return new Response(await readFile(fileURLToPath(url)));
  } catch {
    return new Response(null, { status: 404 });
  }
};

/**
 * The pretrained head through the app's loadHead, its files read from `publicDir` (default the
 * app's public folder: `<publicDir>/models/face-recognition-head/`). The caller disposes the head.
 */
export async function loadHeadFromDisk(publicDir: string = PUBLIC_DIR): Promise<HeadLoad> {
  return loadHead(pathToFileURL(`${path.resolve(publicDir)}${path.sep}`).href, { fetch: diskFetch });
}
