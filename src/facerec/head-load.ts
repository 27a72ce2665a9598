import * as tf from '@tensorflow/tfjs';
import { versionOf } from '../model';
import { FaceRecError } from './errors';
import { HEAD_LAYER_NAMES, projectionUnits } from './head';

/**
 * The pretrained, calibrated Siamese head (scripts/facerec/, public/models/face-recognition-head/):
 * a tf.js layers model of a few KB, fetched from the app's origin. Small enough not to need the
 * IndexedDB cache the backbone has (the browser's HTTP cache keeps it).
 */
export const HEAD_PATH = 'models/face-recognition-head/model.json';

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

export interface HeadLoadOptions {
  readonly fetch?: typeof fetch;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function fetchOk(doFetch: typeof fetch, url: string): Promise<Response> {
  let res: Response;
  try {
    res = await doFetch(url);
  } catch (e) {
    throw new FaceRecError('fetch-failed', `The face-recognition head could not be fetched from ${url} (${message(e)})`);
  }
  if (!res.ok) throw new FaceRecError('fetch-failed', `The face-recognition head could not be fetched from ${url} (HTTP ${res.status})`);
  return res;
}

/** Loads the pretrained head from `${baseUrl}models/face-recognition-head/`. Throws FaceRecError. */
export async function loadHead(baseUrl: string, options: HeadLoadOptions = {}): Promise<HeadLoad> {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const url = `${baseUrl}${HEAD_PATH}`;
  const text = await (await fetchOk(doFetch, url)).text();
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text) as tf.io.ModelJSON;
  } catch (e) {
    throw new FaceRecError('not-a-manifest', `${url} is not valid JSON (${message(e)})`);
  }
  if (typeof json?.modelTopology !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new FaceRecError('not-a-manifest', `${url} is not a tf.js layers model (no modelTopology/weightsManifest)`);
  }
  const shift =
    (json as { userDefinedMetadata?: { calibration?: { biasShift?: unknown } } }).userDefinedMetadata?.calibration?.biasShift ?? 0;
  if (typeof shift !== 'number' || !Number.isFinite(shift))
    throw new FaceRecError('corrupt', `${url}: calibration biasShift ${JSON.stringify(shift)} is not a number`);
  const dir = url.slice(0, url.lastIndexOf('/') + 1);
  let head: tf.LayersModel;
  try {
    const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
      const specs = manifest.flatMap((g) => g.weights);
      const shards = await Promise.all(
        manifest.flatMap((g) => g.paths).map(async (p) => (await fetchOk(doFetch, `${dir}${p}`)).arrayBuffer()),
      );
      return [specs, tf.io.concatenateArrayBuffers(shards)];
    });
    head = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    if (e instanceof FaceRecError) throw e;
    throw new FaceRecError('corrupt', `The face-recognition head could not be built from ${url} (${message(e)})`);
  }
  const names = new Set(head.layers.map((l) => l.name));
  if (!names.has(HEAD_LAYER_NAMES.classifier) || !names.has(HEAD_LAYER_NAMES.distance) || head.inputs.length !== 2) {
    head.dispose();
    throw new FaceRecError(
      'wrong-architecture',
      `${url} is not a Siamese head (two descriptor inputs, ${HEAD_LAYER_NAMES.distance}, ${HEAD_LAYER_NAMES.classifier})`,
    );
  }
  return { head, version: versionOf(text), projection: projectionUnits(head), biasShift: shift };
}
