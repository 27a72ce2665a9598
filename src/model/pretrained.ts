import * as tf from '@tensorflow/tfjs';
import { del, get, set, type UseStore } from 'idb-keyval';
import { DEFAULT_FACEREC_CONFIG, DEFAULT_MODEL_CONFIG, faceModelOf, type FaceModel, type ModelConfig } from '../config';
import { deleteChunked, getChunked, putChunked, isQuotaExceeded } from '../data';
import { ModelFileError, expectedWeightShapes, modelStore } from './io';
import { buildSiamese, wrapSiamese, type SiameseNetwork } from './siamese';
import './l1-dist'; // registers the L1Dist layer class, so the topology deserialises

/**
 * The pretrained network of each face model, shipped in public/models/ as a tf.js layers model of
 * the app's Siamese network (src/model siamese.ts):
 * - 'koch': the reference network pretrained on LFW dev-train people (scripts/pretrain/), in
 *   public/models/pretrained/, uint8-quantized. It has the reference architecture ('paper'
 *   pooling), so only that config can start from it.
 * - 'facerec': the head on face descriptors pretrained on LFW dev-train people's descriptors
 *   (scripts/facerec/), in public/models/face-recognition-head/ (a few hundred bytes).
 *
 * Loaded once per browser, then kept in IndexedDB: `model.json` (8 KB) is fetched from the app's
 * origin on every load, because its hash is the version of the weights; the three weight shards
 * (39 MB) are fetched only when IndexedDB holds no weights of that version, and are then stored
 * there in chunks (src/data/chunks.ts), still uint8-quantized: 39 MB instead of the 156 MB the
 * dequantized float32 weights would take (dequantizing on load costs well under a second). The
 * manifest's per-tensor quantization (scale, min) changes with any retraining or calibration of the
 * weights, so a new app version with new weights gets a new hash and replaces the stored copy. When
 * the weights cannot be stored (storage full, IndexedDB unavailable), the network is still built
 * from the fetched bytes and the result says why it was not kept.
 */
export const PRETRAINED_PATH = 'models/pretrained/model.json';
export const FACEREC_PRETRAINED_PATH = 'models/face-recognition-head/model.json';
import { errorMessage } from '../common';

/** IndexedDB key (model store) of the record that names the stored weights and their version. */
export const PRETRAINED_KEY = 'pretrained';
const FACEREC_PRETRAINED_KEY = 'pretrained-facerec';

/** Where each face model's pretrained network is served (under the app's base URL) and cached. */
export const PRETRAINED_FILES: Readonly<Record<FaceModel, { readonly path: string; readonly key: string }>> = {
  koch: { path: PRETRAINED_PATH, key: PRETRAINED_KEY },
  facerec: { path: FACEREC_PRETRAINED_PATH, key: FACEREC_PRETRAINED_KEY },
};

export function hasPretrainedWeights(config: ModelConfig): boolean {
  if (config.faceModel === 'facerec')
    return config.descriptorSize === DEFAULT_FACEREC_CONFIG.descriptorSize && config.projection === DEFAULT_FACEREC_CONFIG.projection;
  const d = DEFAULT_MODEL_CONFIG;
  return (
    config.inputSize === d.inputSize &&
    config.embeddingSize === d.embeddingSize &&
    config.pool === d.pool &&
    config.filters.every((f, i) => f === d.filters[i]) &&
    config.kernels.every((k, i) => k === d.kernels[i])
  );
}

export type PretrainedSource = 'cache' | 'network';

export interface PretrainedLoad {
  readonly net: SiameseNetwork;
  /** 'cache': the weights came from IndexedDB; 'network': from the app's origin. */
  readonly source: PretrainedSource;
  /** Version of the weights: a hash of model.json. */
  readonly version: string;
  /** Bytes of the (quantized) weights, as fetched and as stored. */
  readonly bytes: number;
  /**
   * Why the weights fetched from the origin are not kept in this browser (storage full, IndexedDB
   * unavailable); null when they came from, or were stored in, IndexedDB.
   */
  readonly notCached: string | null;
  /**
   * How far the classifier bias was moved from its trained value to calibrate the model for new
   * people (scripts/pretrain/calibrate.mjs; 0 when not calibrated). `net` has the calibrated bias.
   */
  readonly biasShift: number;
}

export interface PretrainedOptions {
  /** Default: the app's model store (modelStore()). */
  readonly store?: UseStore;
  /** Chunk size of the stored weights (default 32 MiB); tests make it small. */
  readonly chunkBytes?: number;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

interface StoredPretrained {
  readonly kind: 'pretrained-weights';
  readonly version: string;
  readonly byteLength: number;
  /** Key of the chunked weight data. */
  readonly weightsKey: string;
}

interface Manifest {
  readonly modelTopology: object;
  readonly specs: tf.io.WeightsManifestEntry[];
  readonly paths: string[];
  readonly bytes: number;
  /** model.json's userDefinedMetadata.calibration.biasShift (0 when absent). */
  readonly biasShift: number;
}

/** 64-bit FNV-1a (two 32-bit lanes) of a string, as 16 hex digits: the weights' version. */
export function versionOf(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

const DTYPE_BYTES: Partial<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Reads model.json: topology, weight specs checked against `config`'s architecture, shard paths. */
function parseManifest(json: unknown, config: ModelConfig, where: string): Manifest {
  const m = json as { modelTopology?: unknown; weightsManifest?: unknown } | null;
  const groups = Array.isArray(m?.weightsManifest) ? (m.weightsManifest as Array<{ paths?: unknown; weights?: unknown }>) : null;
  if (
    typeof m?.modelTopology !== 'object' ||
    m.modelTopology === null ||
    !groups ||
    groups.some((g) => !Array.isArray(g.paths) || !Array.isArray(g.weights))
  ) {
    throw new ModelFileError('not-a-model', `${where} is not a tf.js layers model (no modelTopology/weightsManifest)`);
  }
  const specs = groups.flatMap((g) => g.weights as tf.io.WeightsManifestEntry[]);
  const paths = groups.flatMap((g) => g.paths as unknown[]).map(String);
  const want = expectedWeightShapes(config);
  const got = new Map(specs.map((s) => [s.name, JSON.stringify(s.shape)]));
  if (want.length !== specs.length || !want.every((w) => got.get(w.name) === JSON.stringify(w.shape))) {
    throw new ModelFileError(
      'wrong-architecture',
      `The bundled pretrained model (${where}) does not have the architecture of ${JSON.stringify(config)}`,
    );
  }
  let bytes = 0;
  for (const s of specs) {
    const per = DTYPE_BYTES[s.quantization?.dtype ?? s.dtype];
    if (per === undefined) throw new ModelFileError('corrupt', `${where}: weight ${s.name} has an unsupported dtype`);
    bytes += tf.util.sizeFromShape(s.shape) * per;
  }
  const shift = (m as { userDefinedMetadata?: { calibration?: { biasShift?: unknown } } }).userDefinedMetadata?.calibration?.biasShift ?? 0;
  if (typeof shift !== 'number' || !Number.isFinite(shift))
    throw new ModelFileError('corrupt', `${where}: calibration biasShift = ${JSON.stringify(shift)} is not a number`);
  return { modelTopology: m.modelTopology, specs, paths, bytes, biasShift: shift };
}

async function fetchOk(doFetch: typeof fetch, url: string): Promise<Response> {
  let res: Response;
  try {
    res = await doFetch(url);
  } catch (e) {
    throw new ModelFileError('corrupt', `The pretrained model could not be fetched from ${url} (${errorMessage(e)})`);
  }
  if (!res.ok) throw new ModelFileError('corrupt', `The pretrained model could not be fetched from ${url} (HTTP ${res.status})`);
  return res;
}

/** The stored weights of `version`, or undefined (none, another version, incomplete, unreadable). */
async function readCached(store: UseStore, key: string, version: string, bytes: number): Promise<ArrayBuffer | undefined> {
  const r = await get<Partial<StoredPretrained>>(key, store);
  if (r?.kind !== 'pretrained-weights' || r.version !== version || typeof r.weightsKey !== 'string') return undefined;
  const data = await getChunked(store, r.weightsKey);
  return data?.byteLength === bytes ? data : undefined;
}

/** Stores the weights of `version`, replacing (first deleting, to free the space) any other. */
async function writeCache(store: UseStore, key: string, version: string, data: ArrayBuffer, chunkBytes?: number): Promise<void> {
  const previous = await get<Partial<StoredPretrained>>(key, store);
  if (previous?.kind === 'pretrained-weights' && typeof previous.weightsKey === 'string') {
    await del(key, store);
    await deleteChunked(store, previous.weightsKey);
  }
  const weightsKey = `${key}/weights/${version}`;
  try {
    await putChunked(store, weightsKey, data, chunkBytes);
    const record: StoredPretrained = { kind: 'pretrained-weights', version, byteLength: data.byteLength, weightsKey };
    await set(key, record, store);
  } catch (e) {
    await deleteChunked(store, weightsKey).catch(() => undefined);
    throw e;
  }
}

async function build(manifest: Manifest, data: ArrayBuffer, config: ModelConfig): Promise<SiameseNetwork> {
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: manifest.specs, weightData: data }),
    );
  } catch (e) {
    throw new ModelFileError('corrupt', `The bundled pretrained model could not be built (${errorMessage(e)})`);
  }
  try {
    return wrapSiamese(model, config);
  } catch (e) {
    model.dispose();
    throw new ModelFileError('wrong-architecture', `The bundled pretrained model is not this app's Siamese network (${errorMessage(e)})`);
  }
}

/**
 * Loads the pretrained network: its weights from IndexedDB when the stored version matches
 * model.json, else from the app's origin (then stored). Throws ModelFileError when the model
 * cannot be fetched or has another architecture than `config`.
 */
export async function loadPretrained(
  baseUrl: string,
  config: ModelConfig = DEFAULT_MODEL_CONFIG,
  options: PretrainedOptions = {},
): Promise<PretrainedLoad> {
  // The face-recognition head loads with any projection (the manifest check below says whether the
  // file has it); only the reference network's architecture is fixed.
  if (config.faceModel !== 'facerec' && !hasPretrainedWeights(config)) {
    throw new ModelFileError(
      'wrong-architecture',
      `The bundled pretrained model has the reference architecture, not ${JSON.stringify(config)}`,
    );
  }
  const files = PRETRAINED_FILES[faceModelOf(config)];
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const url = `${baseUrl}${files.path}`;
  const text = await (await fetchOk(doFetch, url)).text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError('corrupt', `${url} is not valid JSON (${errorMessage(e)})`);
  }
  const manifest = parseManifest(json, config, url);
  const version = versionOf(text);

  let store: UseStore | undefined;
  let cached: ArrayBuffer | undefined;
  let notCached: string | null = null;
  try {
    store = options.store ?? modelStore();
    cached = await readCached(store, files.key, version, manifest.bytes);
  } catch (e) {
    store = undefined;
    notCached = `this browser's storage (IndexedDB) cannot be read (${errorMessage(e)})`;
  }
  if (cached)
    return {
      net: await build(manifest, cached, config),
      source: 'cache',
      version,
      bytes: manifest.bytes,
      notCached: null,
      biasShift: manifest.biasShift,
    };

  const dir = url.slice(0, url.lastIndexOf('/') + 1);
  const shards = await Promise.all(manifest.paths.map(async (p) => (await fetchOk(doFetch, `${dir}${p}`)).arrayBuffer()));
  const data = tf.io.CompositeArrayBuffer.join(shards);
  if (data.byteLength !== manifest.bytes) {
    throw new ModelFileError(
      'corrupt',
      `The pretrained weights are ${data.byteLength.toLocaleString('en')} bytes; model.json describes ${manifest.bytes.toLocaleString('en')}`,
    );
  }
  if (store) {
    try {
      await writeCache(store, files.key, version, data, options.chunkBytes);
    } catch (e) {
      notCached = isQuotaExceeded(e)
        ? "this browser's storage is full, so the pretrained model is fetched from the app again on each visit"
        : `it could not be stored in this browser (${errorMessage(e)}), so it is fetched from the app again on each visit`;
    }
  }
  return {
    net: await build(manifest, data, config),
    source: 'network',
    version,
    bytes: manifest.bytes,
    notCached,
    biasShift: manifest.biasShift,
  };
}

/** The pretrained network (see loadPretrained: IndexedDB first, else the app's origin). */
export async function loadPretrainedNetwork(
  baseUrl: string,
  config: ModelConfig = DEFAULT_MODEL_CONFIG,
  options: PretrainedOptions = {},
): Promise<SiameseNetwork> {
  return (await loadPretrained(baseUrl, config, options)).net;
}

/**
 * Moves the classifier bias of `net` by `-biasShift` (in place): from the calibrated value back to
 * the one training left, or by any other amount.
 */
export function shiftClassifierBias(net: SiameseNetwork, biasShift: number): void {
  if (biasShift === 0) return;
  const [kernel, bias] = net.classifier.getWeights();
  if (!bias || !kernel) throw new Error('shiftClassifierBias: the classifier has no bias');
  const moved = tf.tidy(() => tf.sub(bias, biasShift));
  net.classifier.setWeights([kernel, moved]);
  moved.dispose();
}

/**
 * The network a fresh training run starts from: the pretrained model (fine-tuning) for the
 * reference config, random weights (training from scratch, the reference behaviour) otherwise or
 * when `fromScratch` is set.
 *
 * Fine-tuning starts from the classifier bias as pretraining left it, not the calibrated one the
 * app verifies with before training: the calibration (scripts/pretrain/calibrate.mjs) is an
 * operating point chosen for the untrained model on LFW pairs, while fine-tuning fits the head
 * to the user's own pairs, starting from what pretraining learned; from the trained bias, the
 * user's and other people's pairs both start on the deny side and fine-tuning lifts the user's.
 */
export async function loadStartingNetwork(
  baseUrl: string,
  config: ModelConfig,
  fromScratch = false,
  options: PretrainedOptions = {},
): Promise<SiameseNetwork> {
  if (fromScratch || !hasPretrainedWeights(config)) return buildSiamese(config);
  const { net, biasShift } = await loadPretrained(baseUrl, config, options);
  shiftClassifierBias(net, biasShift);
  return net;
}
