import type * as tf from '@tensorflow/tfjs';
import { del, get, set, type UseStore } from 'idb-keyval';
import { deleteChunked, getChunked, isQuotaExceeded, putChunked } from '../data';
import { modelStore, versionOf } from '../model';
import { buildBackbone } from './backbone';
import { FaceRecError } from './errors';
import { parseWeightsManifest, setFaceApiWeights } from './weights';

/**
 * The pretrained backbone for the app: face-api's weight files, copied into
 * public/models/face-recognition/, fetched from the app's own origin (`baseUrl`, nothing else)
 * and kept in IndexedDB like the Koch pretrained model (src/model/pretrained.ts): the 20 KB
 * manifest is fetched on every load, its hash is the weights' version; the 6.4 MB shard
 * (uint8-quantized, stored as fetched) is fetched only when IndexedDB holds no weights of that
 * version. When the weights cannot be stored, the network is still built and the result says why.
 */
export const BACKBONE_DIR = 'models/face-recognition/';
export const BACKBONE_MANIFEST = 'face_recognition_model-weights_manifest.json';
/** IndexedDB key (model store) of the record naming the stored backbone weights and their version. */
export const BACKBONE_KEY = 'facerec-backbone';

export type BackboneSource = 'cache' | 'network';

export interface BackboneLoad {
  /** The backbone (buildBackbone()) with the pretrained weights; the caller disposes it. */
  readonly model: tf.LayersModel;
  readonly source: BackboneSource;
  /** Version of the weights: a hash of the manifest text. */
  readonly version: string;
  /** Bytes of the (quantized) weights. */
  readonly bytes: number;
  /** Why the fetched weights are not kept in this browser; null when cached or stored. */
  readonly notCached: string | null;
}

export interface BackboneOptions {
  /** Default: the app's model store. */
  readonly store?: UseStore;
  /** Chunk size of the stored weights; tests make it small. */
  readonly chunkBytes?: number;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

interface StoredBackbone {
  readonly kind: 'facerec-backbone-weights';
  readonly version: string;
  readonly byteLength: number;
  readonly weightsKey: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function fetchOk(doFetch: typeof fetch, url: string): Promise<Response> {
  let res: Response;
  try {
    res = await doFetch(url);
  } catch (e) {
    throw new FaceRecError('fetch-failed', `The face-recognition model could not be fetched from ${url} (${message(e)})`);
  }
  if (!res.ok) throw new FaceRecError('fetch-failed', `The face-recognition model could not be fetched from ${url} (HTTP ${res.status})`);
  return res;
}

async function readCached(store: UseStore, version: string, bytes: number): Promise<ArrayBuffer | undefined> {
  const r = await get<Partial<StoredBackbone>>(BACKBONE_KEY, store);
  if (r?.kind !== 'facerec-backbone-weights' || r.version !== version || typeof r.weightsKey !== 'string') return undefined;
  const data = await getChunked(store, r.weightsKey);
  return data?.byteLength === bytes ? data : undefined;
}

async function writeCache(store: UseStore, version: string, data: ArrayBuffer, chunkBytes?: number): Promise<void> {
  await deleteBackboneCache({ store });
  const weightsKey = `${BACKBONE_KEY}/weights/${version}`;
  try {
    await putChunked(store, weightsKey, data, chunkBytes);
    const record: StoredBackbone = { kind: 'facerec-backbone-weights', version, byteLength: data.byteLength, weightsKey };
    await set(BACKBONE_KEY, record, store);
  } catch (e) {
    await deleteChunked(store, weightsKey).catch(() => undefined);
    throw e;
  }
}

function build(specs: readonly tf.io.WeightsManifestEntry[], data: ArrayBuffer): tf.LayersModel {
  const model = buildBackbone();
  try {
    setFaceApiWeights(model, specs, data);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * Loads the pretrained backbone: weights from IndexedDB when the stored version matches the
 * manifest, else from `${baseUrl}models/face-recognition/` (then stored). Throws FaceRecError:
 * 'fetch-failed', 'not-a-manifest', 'corrupt' (shard size or bytes wrong), 'wrong-architecture'.
 */
export async function loadBackbone(baseUrl: string, options: BackboneOptions = {}): Promise<BackboneLoad> {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const dir = `${baseUrl}${BACKBONE_DIR}`;
  const url = `${dir}${BACKBONE_MANIFEST}`;
  const text = await (await fetchOk(doFetch, url)).text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FaceRecError('not-a-manifest', `${url} is not valid JSON (${message(e)})`);
  }
  const manifest = parseWeightsManifest(json, url);
  const version = versionOf(text);

  let store: UseStore | undefined;
  let cached: ArrayBuffer | undefined;
  let notCached: string | null = null;
  try {
    store = options.store ?? modelStore();
    cached = await readCached(store, version, manifest.bytes);
  } catch (e) {
    store = undefined;
    notCached = `this browser's storage (IndexedDB) cannot be read (${message(e)})`;
  }
  if (cached) return { model: build(manifest.specs, cached), source: 'cache', version, bytes: manifest.bytes, notCached: null };

  const shards = await Promise.all(manifest.paths.map(async (p) => (await fetchOk(doFetch, `${dir}${p}`)).arrayBuffer()));
  const total = shards.reduce((s, b) => s + b.byteLength, 0);
  if (total !== manifest.bytes) {
    throw new FaceRecError(
      'corrupt',
      `The face-recognition weights are ${total.toLocaleString('en')} bytes; the manifest describes ${manifest.bytes.toLocaleString('en')}`,
    );
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const b of shards) {
    data.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  const model = build(manifest.specs, data.buffer);
  if (store) {
    try {
      await writeCache(store, version, data.buffer, options.chunkBytes);
    } catch (e) {
      notCached = isQuotaExceeded(e)
        ? "this browser's storage is full, so the face-recognition model is fetched from the app again on each visit"
        : `it could not be stored in this browser (${message(e)}), so it is fetched from the app again on each visit`;
    }
  }
  return { model, source: 'network', version, bytes: manifest.bytes, notCached };
}

/**
 * The version of the backbone weights the app serves (a hash of the manifest), without loading
 * them: enough to look descriptors up in the cache.
 */
export async function backboneVersion(baseUrl: string, options: Pick<BackboneOptions, 'fetch'> = {}): Promise<string> {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  return versionOf(await (await fetchOk(doFetch, `${baseUrl}${BACKBONE_DIR}${BACKBONE_MANIFEST}`)).text());
}

/** Deletes the stored backbone weights (the next load fetches them again); no-op when none. */
export async function deleteBackboneCache(options: Pick<BackboneOptions, 'store'> = {}): Promise<void> {
  const store = options.store ?? modelStore();
  const r = await get<Partial<StoredBackbone>>(BACKBONE_KEY, store);
  await del(BACKBONE_KEY, store);
  if (r?.kind === 'facerec-backbone-weights' && typeof r.weightsKey === 'string') await deleteChunked(store, r.weightsKey);
}
