import * as tf from '@tensorflow/tfjs';
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import { ConfigError, validateModelConfig, validateVerifyConfig, type ModelConfig, type VerifyConfig } from '../config';
import { deleteChunked, getChunked, putChunked } from '../data';
import { inputShape, LAYER_NAMES, stageSizes, wrapSiamese, type SiameseNetwork } from './siamese';
import { modelPeopleOf, parseModelPeople, type ModelPerson } from './model-people';
import './l1-dist'; // registers the L1Dist layer class, so saved models deserialise

/**
 * Model persistence (IndexedDB) and model files (tf.js format plus our metadata). Everything read
 * back is fully validated — metadata, architecture, weight sizes — before a network is returned, so
 * a caller can keep its current model when loading fails; failures are a typed `ModelFileError`.
 */

export type ModelFileErrorCode = 'not-a-model' | 'wrong-architecture' | 'corrupt';
import { errorMessage } from '../common';

export class ModelFileError extends Error {
  constructor(
    readonly code: ModelFileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** What is saved with a network besides its weights. */
export interface NetworkMeta {
  /** The decision thresholds the network was tuned with. */
  readonly thresholds: VerifyConfig;
  /** ISO 8601 time the network was trained or saved. */
  readonly createdAt: string;
  /** Free-form training summary (must survive JSON and structured clone: plain data only). */
  readonly training?: unknown;
}

export interface LoadedNetwork {
  readonly net: SiameseNetwork;
  readonly meta: NetworkMeta;
}

export const APP_ID = 'siamese-face-id';
/** Version of the saved layout (IndexedDB record and metadata file). */
export const FORMAT_VERSION = 1;
export const MODEL_FILE_NAMES = { model: 'model.json', weights: 'weights.bin', meta: `${APP_ID}.json` } as const;

/** `{ name, tensor }`, as `optimizer.getWeights()` returns (tf.js does not export the type). */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

/** Named tensors (weights, optimizer state) as tf.js weight specs plus one binary buffer. */
export interface EncodedTensors {
  readonly specs: tf.io.WeightsManifestEntry[];
  readonly data: ArrayBuffer;
}

// ---------------------------------------------------------------------------------------------
// Weights and architecture checks

const BYTES_PER_ELEMENT: Partial<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

function isShape(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0);
}

/** Bytes the specs describe; throws ModelFileError('corrupt') for a spec we cannot read. */
function specBytes(specs: readonly tf.io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const s of specs) {
    const bytes = BYTES_PER_ELEMENT[s.dtype];
    if (typeof s.name !== 'string' || s.quantization !== undefined || bytes === undefined || !isShape(s.shape)) {
      throw new ModelFileError(
        'corrupt',
        `Weight "${String(s.name)}" has an unsupported spec (dtype ${String(s.dtype)}, shape ${JSON.stringify(s.shape)})`,
      );
    }
    total += tf.util.sizeFromShape(s.shape) * bytes;
  }
  return total;
}

function checkWeightBytes(specs: readonly tf.io.WeightsManifestEntry[], data: ArrayBuffer, what: string): void {
  const expected = specBytes(specs);
  if (data.byteLength !== expected) {
    throw new ModelFileError(
      'corrupt',
      `${what} is ${data.byteLength.toLocaleString('en')} bytes but the model describes ${expected.toLocaleString('en')} bytes`,
    );
  }
}

/**
 * Weight names and shapes of `buildSiamese(config)`, in order, computed without allocating the
 * network (the reference has 39 M parameters). siamese.test/io.test check it against buildSiamese.
 */
export function expectedWeightShapes(config: ModelConfig): Array<{ name: string; shape: number[] }> {
  const out: Array<{ name: string; shape: number[] }> = [];
  if (config.faceModel === 'facerec') {
    const units = config.projection > 0 ? config.projection : config.descriptorSize;
    if (config.projection > 0)
      out.push({ name: 'projection/kernel', shape: [config.descriptorSize, units] }, { name: 'projection/bias', shape: [units] });
    out.push({ name: `${LAYER_NAMES.classifier}/kernel`, shape: [units, 1] }, { name: `${LAYER_NAMES.classifier}/bias`, shape: [1] });
    return out;
  }
  let channels = 3;
  config.kernels.forEach((k, i) => {
    const f = config.filters[i]!;
    out.push({ name: `conv${i + 1}/kernel`, shape: [k, k, channels, f] }, { name: `conv${i + 1}/bias`, shape: [f] });
    channels = f;
  });
  const last = stageSizes(config).at(-1)!;
  out.push(
    { name: 'dense_embedding/kernel', shape: [last * last * channels, config.embeddingSize] },
    { name: 'dense_embedding/bias', shape: [config.embeddingSize] },
    { name: `${LAYER_NAMES.classifier}/kernel`, shape: [config.embeddingSize, 1] },
    { name: `${LAYER_NAMES.classifier}/bias`, shape: [1] },
  );
  return out;
}

const describeConfig = (c: ModelConfig) =>
  c.faceModel === 'facerec'
    ? `face recognition ResNet head, descriptor ${c.descriptorSize}, projection ${c.projection || 'none'}`
    : `input ${c.inputSize}, filters ${c.filters.join('/')}, kernels ${c.kernels.join('/')}, embedding ${c.embeddingSize}`;

/** The specs must be exactly the weights of `buildSiamese(config)`. */
function checkArchitecture(specs: readonly tf.io.WeightsManifestEntry[], config: ModelConfig): void {
  const expected = expectedWeightShapes(config);
  const shapes = new Map(specs.map((s) => [s.name.replace(/_\d+(?=\/|$)/g, ''), s.shape]));
  for (const e of expected) {
    const got = shapes.get(e.name);
    if (got === undefined || JSON.stringify(got) !== JSON.stringify(e.shape)) {
      throw new ModelFileError(
        'wrong-architecture',
        `Weight ${e.name} is ${got ? `[${got.join(', ')}]` : 'missing'}, expected [${e.shape.join(', ')}] for the model configuration (${describeConfig(config)})`,
      );
    }
  }
  if (specs.length !== expected.length) {
    throw new ModelFileError(
      'wrong-architecture',
      `The model has ${specs.length} weight tensors; this app's network has ${expected.length}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Serialisation

interface Serialized {
  readonly modelTopology: object;
  readonly specs: tf.io.WeightsManifestEntry[];
  readonly data: ArrayBuffer;
}

async function serialize(net: SiameseNetwork): Promise<Serialized> {
  let out: Serialized | undefined;
  await net.model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (artifacts.modelTopology === undefined || artifacts.modelTopology instanceof ArrayBuffer || artifacts.weightSpecs === undefined) {
        throw new Error('The model did not serialise to a JSON topology with weights');
      }
      out = {
        modelTopology: artifacts.modelTopology,
        specs: artifacts.weightSpecs,
        data: tf.io.CompositeArrayBuffer.join(artifacts.weightData),
      };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (out === undefined) throw new Error('Saving the model produced nothing');
  return out;
}

/** Validates, then builds the network; throws ModelFileError and leaks nothing on failure. */
async function deserialize(s: Serialized, rawConfig: unknown, where: string): Promise<SiameseNetwork> {
  let config: ModelConfig;
  try {
    config = validateModelConfig(rawConfig as Partial<ModelConfig>);
  } catch (e) {
    if (e instanceof ConfigError) throw new ModelFileError('wrong-architecture', `${where}: ${e.message}`);
    throw e;
  }
  if (!Array.isArray(s.specs)) throw new ModelFileError('corrupt', `${where}: the weight list is missing`);
  checkArchitecture(s.specs, config);
  checkWeightBytes(s.specs, s.data, `${where}: the weight data`);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: s.modelTopology, weightSpecs: s.specs, weightData: s.data }));
  } catch (e) {
    throw new ModelFileError('corrupt', `${where}: the model could not be rebuilt (${errorMessage(e)})`);
  }
  let net: SiameseNetwork | undefined;
  try {
    net = wrapSiamese(model, config);
    const inputs = model.inputs.map((i) => i.shape);
    const expectedInput = [null, ...inputShape(config)];
    const embeddingSize = config.faceModel === 'facerec' ? config.projection || config.descriptorSize : config.embeddingSize;
    const ok =
      inputs.length === 2 &&
      inputs.every((sh) => JSON.stringify(sh) === JSON.stringify(expectedInput)) &&
      JSON.stringify(model.outputs.map((o) => o.shape)) === JSON.stringify([[null, 1]]) &&
      JSON.stringify(net.embedding.outputs[0]?.shape) === JSON.stringify([null, embeddingSize]);
    if (!ok) throw new Error(`inputs ${JSON.stringify(inputs)}, outputs ${JSON.stringify(model.outputs.map((o) => o.shape))}`);
    return net;
  } catch (e) {
    if (net) disposeNetwork(net);
    else model.dispose();
    throw new ModelFileError('wrong-architecture', `${where}: not this app's Siamese network (${errorMessage(e)})`);
  }
}

function parseMeta(raw: unknown, where: string): NetworkMeta {
  const m = raw as Partial<Record<keyof NetworkMeta, unknown>> | null;
  if (typeof m !== 'object' || m === null) throw new ModelFileError('corrupt', `${where}: the metadata is missing`);
  let thresholds: VerifyConfig;
  try {
    thresholds = validateVerifyConfig(m.thresholds as Partial<VerifyConfig>);
  } catch (e) {
    throw new ModelFileError('corrupt', `${where}: bad thresholds (${errorMessage(e)})`);
  }
  if (typeof m.createdAt !== 'string' || Number.isNaN(Date.parse(m.createdAt))) {
    throw new ModelFileError('corrupt', `${where}: createdAt ${JSON.stringify(m.createdAt)} is not a date`);
  }
  return m.training === undefined ? { thresholds, createdAt: m.createdAt } : { thresholds, createdAt: m.createdAt, training: m.training };
}

function metaRecord(meta: NetworkMeta): NetworkMeta {
  // Validates before anything is written, and drops fields we do not know.
  const thresholds = validateVerifyConfig(meta.thresholds);
  return meta.training === undefined
    ? { thresholds, createdAt: meta.createdAt }
    : { thresholds, createdAt: meta.createdAt, training: meta.training };
}

/**
 * Frees every weight of a network. `model.dispose()` alone leaves the shared embedding tower's
 * weights alive (tf.js counts a nested model once per use), so the tower is disposed after it.
 */
export function disposeNetwork(net: SiameseNetwork): void {
  net.model.dispose();
  try {
    net.embedding.dispose();
  } catch (e) {
    if (!(e instanceof Error && /already disposed/.test(e.message))) throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// IndexedDB

export const MODEL_STORE = { database: 'siamese-face-id-models', store: 'models' } as const;

let defaultStore: UseStore | undefined;
/** The app's model store (created on first use, so importing this module touches no IndexedDB). */
export function modelStore(): UseStore {
  defaultStore ??= createStore(MODEL_STORE.database, MODEL_STORE.store);
  return defaultStore;
}

interface StoredRecord {
  readonly kind: 'siamese-network';
  readonly formatVersion: number;
  readonly config: ModelConfig;
  readonly meta: NetworkMeta;
  readonly modelTopology: object;
  readonly specs: tf.io.WeightsManifestEntry[];
  /** Key of the chunked weight data (a fresh key per save, so a failed save keeps the old model). */
  readonly weightsKey: string;
}

export interface StoreOptions {
  readonly store?: UseStore;
  /** Chunk size of the weight data (default `DEFAULT_CHUNK_BYTES`, 32 MiB); tests make it tiny. */
  readonly chunkBytes?: number;
}

/**
 * Saves a network under `key`: the weights chunked (never one large value), then a small record
 * (topology, weight specs, config, metadata) that points at them. The record is written last and
 * the previous weights are deleted after it, so an interrupted save leaves the old model readable.
 */
export async function saveNetwork(net: SiameseNetwork, key: string, meta: NetworkMeta, options: StoreOptions = {}): Promise<void> {
  const store = options.store ?? modelStore();
  const cleanMeta = metaRecord(meta);
  const s = await serialize(net);
  const previous = await get<StoredRecord>(key, store);
  const weightsKey = `${key}/weights/${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  await putChunked(store, weightsKey, s.data, options.chunkBytes);
  const record: StoredRecord = {
    kind: 'siamese-network',
    formatVersion: FORMAT_VERSION,
    config: net.config,
    meta: cleanMeta,
    modelTopology: s.modelTopology,
    specs: s.specs,
    weightsKey,
  };
  await set(key, record, store);
  if (previous?.kind === 'siamese-network' && previous.weightsKey !== weightsKey) await deleteChunked(store, previous.weightsKey);
}

/**
 * The network saved under `key`, or undefined when there is none. Throws ModelFileError when the
 * record is damaged or holds another architecture.
 */
export async function loadNetwork(key: string, options: Pick<StoreOptions, 'store'> = {}): Promise<LoadedNetwork | undefined> {
  const store = options.store ?? modelStore();
  const record = await get<unknown>(key, store);
  if (record === undefined) return undefined;
  const r = record as Partial<StoredRecord>;
  const where = `Saved model "${key}"`;
  if (typeof r !== 'object' || r === null || r.kind !== 'siamese-network')
    throw new ModelFileError('not-a-model', `${where} is not a saved network`);
  if (typeof r.weightsKey !== 'string' || typeof r.modelTopology !== 'object' || r.modelTopology === null || !Array.isArray(r.specs)) {
    throw new ModelFileError('corrupt', `${where}: the record is incomplete`);
  }
  const meta = parseMeta(r.meta, where);
  const data = await getChunked(store, r.weightsKey);
  if (data === undefined) throw new ModelFileError('corrupt', `${where}: its weights are missing or incomplete`);
  const net = await deserialize({ modelTopology: r.modelTopology, specs: r.specs, data }, r.config, where);
  return { net, meta };
}

/** Deletes the network saved under `key` (record and weights); no-op when there is none. */
export async function deleteNetwork(key: string, options: Pick<StoreOptions, 'store'> = {}): Promise<void> {
  const store = options.store ?? modelStore();
  const record = await get<Partial<StoredRecord>>(key, store);
  await del(key, store);
  if (record?.kind === 'siamese-network' && typeof record.weightsKey === 'string') await deleteChunked(store, record.weightsKey);
}

// ---------------------------------------------------------------------------------------------
// Files

/** Contents of `siamese-face-id.json`. */
interface MetaFile extends NetworkMeta {
  readonly app: typeof APP_ID;
  readonly formatVersion: number;
  readonly config: ModelConfig;
  /**
   * The people the model was exported for (ids and names, no images). Optional, so the format
   * version stays 1: files without it (from before people) read as the default person's.
   */
  readonly people?: readonly ModelPerson[];
}

/** A network read from model files, with the people its file records. */
export interface ImportedNetwork extends LoadedNetwork {
  /** From the file's `people`; a file without them: the default person ("Me"). */
  readonly people: readonly ModelPerson[];
}

export type ModelFiles = Record<(typeof MODEL_FILE_NAMES)[keyof typeof MODEL_FILE_NAMES], Blob>;

/**
 * The network as files: `model.json` + `weights.bin` (the standard tf.js layers format, loadable
 * with `tf.loadLayersModel` once L1Dist is registered) and `siamese-face-id.json` (our metadata:
 * app id, format version, model config, thresholds, training summary, and `people`: the ids and
 * names of `people`, e.g. the people setting's list; omitted, the file records none and reads as
 * the default person's, as files from before people do).
 */
export async function exportNetworkFiles(net: SiameseNetwork, meta: NetworkMeta, people?: readonly ModelPerson[]): Promise<ModelFiles> {
  const cleanMeta = metaRecord(meta);
  // Checked as an import will check them, before anything is serialised.
  const filePeople = people === undefined ? undefined : parseModelPeople(modelPeopleOf(people));
  const s = await serialize(net);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: s.modelTopology,
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    weightsManifest: [{ paths: [MODEL_FILE_NAMES.weights], weights: s.specs }],
  };
  const metaFile: MetaFile = {
    app: APP_ID,
    formatVersion: FORMAT_VERSION,
    config: net.config,
    ...cleanMeta,
    ...(filePeople !== undefined && { people: filePeople }),
  };
  const json = (v: unknown) => new Blob([JSON.stringify(v)], { type: 'application/json' });
  return {
    [MODEL_FILE_NAMES.model]: json(modelJson),
    [MODEL_FILE_NAMES.weights]: new Blob([s.data], { type: 'application/octet-stream' }),
    [MODEL_FILE_NAMES.meta]: json(metaFile),
  };
}

interface NamedBlob {
  readonly name: string;
  readonly blob: Blob;
}

async function readJson(f: NamedBlob): Promise<unknown> {
  const text = await f.blob.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ModelFileError('corrupt', `${f.name} is not valid JSON (${errorMessage(e)})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads files written by `exportNetworkFiles` (names may differ, e.g. "model (1).json": the JSON
 * files are told apart by content, the weights by the manifest's path or as the only .bin file).
 * Everything is validated before the network is returned; on failure a ModelFileError says what
 * is wrong (which file is missing, which weight has the wrong shape, …) and nothing is allocated.
 * The people the file records come with it (parseModelPeople: none recorded, the default person).
 */
export async function importNetworkFiles(files: readonly File[] | Readonly<Record<string, Blob>>): Promise<ImportedNetwork> {
  const list: NamedBlob[] = Array.isArray(files)
    ? (files as readonly File[]).map((f) => ({ name: f.name, blob: f }))
    : Object.entries(files as Readonly<Record<string, Blob>>).map(([name, blob]) => ({ name, blob }));
  const names = list.map((f) => f.name).join(', ') || 'no files';
  const jsons = list.filter((f) => f.name.toLowerCase().endsWith('.json'));
  let modelJson: Record<string, unknown> | undefined;
  let metaJson: Record<string, unknown> | undefined;
  let modelName = MODEL_FILE_NAMES.model as string;
  for (const f of jsons) {
    const v = await readJson(f);
    if (isObject(v) && 'modelTopology' in v) [modelJson, modelName] = [v, f.name];
    else if (isObject(v) && v.app === APP_ID) metaJson = v;
  }
  if (modelJson === undefined) {
    throw new ModelFileError('not-a-model', `No tf.js ${MODEL_FILE_NAMES.model} (a JSON file with a modelTopology) among: ${names}`);
  }
  if (metaJson === undefined) {
    throw new ModelFileError(
      'not-a-model',
      `The metadata file ${MODEL_FILE_NAMES.meta} is missing (got: ${names}); it holds the model configuration and thresholds`,
    );
  }
  if (typeof metaJson.formatVersion !== 'number' || metaJson.formatVersion > FORMAT_VERSION) {
    throw new ModelFileError(
      'not-a-model',
      `${MODEL_FILE_NAMES.meta} has format version ${JSON.stringify(metaJson.formatVersion)}; this app reads up to ${FORMAT_VERSION}`,
    );
  }
  const manifest = modelJson.weightsManifest;
  const groups = Array.isArray(manifest) ? (manifest as unknown[]).filter(isObject) : [];
  if (!isObject(modelJson.modelTopology) || groups.length === 0 || groups.length !== (manifest as unknown[]).length) {
    throw new ModelFileError('corrupt', `${modelName} has no valid modelTopology/weightsManifest`);
  }
  const specs = groups.flatMap((g) => (Array.isArray(g.weights) ? (g.weights as tf.io.WeightsManifestEntry[]) : []));
  const paths = groups.flatMap((g) => (Array.isArray(g.paths) ? (g.paths as unknown[]) : []));
  const bins = list.filter((f) => f.name.toLowerCase().endsWith('.bin'));
  const weightFiles =
    paths.length > 0 && paths.every((p) => list.some((f) => f.name === p))
      ? paths.map((p) => list.find((f) => f.name === p)!)
      : bins.length === 1
        ? bins
        : [];
  if (weightFiles.length === 0) {
    throw new ModelFileError(
      'not-a-model',
      `The weights file ${paths.map(String).join(', ') || MODEL_FILE_NAMES.weights} is missing (got: ${names})`,
    );
  }
  const where = `${modelName}`;
  // Cheap checks before reading the (large) weights.
  const config = metaJson.config;
  const meta = parseMeta(metaJson, MODEL_FILE_NAMES.meta);
  let people: ModelPerson[];
  try {
    people = parseModelPeople(metaJson.people);
  } catch (e) {
    throw new ModelFileError('corrupt', `${MODEL_FILE_NAMES.meta}: ${errorMessage(e)}`);
  }
  const buffers = await Promise.all(weightFiles.map((f) => f.blob.arrayBuffer()));
  const data = tf.io.CompositeArrayBuffer.join(buffers);
  const net = await deserialize({ modelTopology: modelJson.modelTopology, specs, data }, config, where);
  return { net, meta, people };
}

// ---------------------------------------------------------------------------------------------
// Named tensors (checkpoints)

/** Encodes named tensors (e.g. `optimizer.getWeights()`); the tensors are not disposed. */
export async function encodeNamedTensors(tensors: readonly NamedTensor[]): Promise<EncodedTensors> {
  const { data, specs } = await tf.io.encodeWeights([...tensors]);
  return { specs, data };
}

/**
 * Decodes what `encodeNamedTensors` wrote, in spec order (e.g. for `optimizer.setWeights()`).
 * The caller owns the returned tensors. Throws ModelFileError('corrupt') when the data does not
 * match the specs.
 */
export function decodeNamedTensors(encoded: EncodedTensors): NamedTensor[] {
  checkWeightBytes(encoded.specs, encoded.data, 'Tensor data');
  const map = tf.io.decodeWeights(encoded.data, encoded.specs);
  return encoded.specs.map((s) => ({ name: s.name, tensor: map[s.name]! }));
}
