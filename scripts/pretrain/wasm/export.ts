/**
 * Writes a Siamese network as a tf.js layers model (model.json + weight shards), the layout the
 * app ships in public/models/pretrained/ and its loader (src/model/pretrained.ts) checks. tf.js
 * itself serialises the topology and the weights (model.save), so the layer and weight names are
 * the app's own; this file only quantizes the weights and writes the files.
 *
 * uint8 quantization is tfjs-converter's affine scheme, per tensor: q = round((x − min) / scale),
 * scale = (max − min) / 255, read back as q · scale + min by tf.io.decodeWeights. A constant tensor
 * (e.g. a zero bias) gets scale 1 and decodes to its value exactly.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SiameseNetwork } from '../../../src/model';

export type ExportDtype = 'uint8' | 'float32';

export interface ExportOptions {
  readonly dtype?: ExportDtype;
  /** Number of weight files (default 3, as shipped). */
  readonly shards?: number;
  /** Stored as model.json's userDefinedMetadata. */
  readonly metadata?: Record<string, unknown>;
  /** model.json's convertedBy (default this script). */
  readonly convertedBy?: string;
}

export interface ExportResult {
  readonly dir: string;
  readonly files: readonly string[];
  readonly weightBytes: number;
  /** Largest |x − dequantized x| over all weights (0 for float32). */
  readonly maxQuantizationError: number;
}

/** Affine uint8 quantization of one tensor's values. */
export function quantizeUint8(values: Float32Array): { bytes: Uint8Array; min: number; scale: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (values.length === 0) return { bytes: new Uint8Array(0), min: 0, scale: 1 };
  const scale = max > min ? (max - min) / 255 : 1;
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.min(255, Math.max(0, Math.round((values[i]! - min) / scale)));
  return { bytes, min, scale };
}

/** Captures what model.save hands its IOHandler. */
async function artifactsOf(net: SiameseNetwork): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await net.model.save({
    save(artifacts) {
      saved = artifacts;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    },
  });
  if (!saved?.weightSpecs || !saved.weightData) throw new Error('tf.js saved no weights');
  return saved;
}

/** Writes `net` to `dir` (created if needed). Files are written under temporary names, then renamed. */
export async function exportNetwork(net: SiameseNetwork, dir: string, options: ExportOptions = {}): Promise<ExportResult> {
  const dtype = options.dtype ?? 'uint8';
  const shards = options.shards ?? 3;
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`shards must be a whole number ≥ 1 (got ${shards})`);
  const artifacts = await artifactsOf(net);
  const data = tf.io.CompositeArrayBuffer.join(artifacts.weightData!);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  let maxError = 0;
  for (const spec of artifacts.weightSpecs!) {
    if (spec.dtype !== 'float32' || spec.quantization)
      throw new Error(`${spec.name}: only float32 weights can be exported (got ${spec.dtype})`);
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(data.slice(offset, offset + 4 * n));
    offset += 4 * n;
    if (dtype === 'float32') {
      specs.push({ name: spec.name, shape: spec.shape, dtype: 'float32' });
      parts.push(new Uint8Array(values.buffer));
      continue;
    }
    const q = quantizeUint8(values);
    for (let i = 0; i < n; i++) maxError = Math.max(maxError, Math.abs(values[i]! - (q.bytes[i]! * q.scale + q.min)));
    specs.push({ name: spec.name, shape: spec.shape, dtype: 'float32', quantization: { dtype: 'uint8', min: q.min, scale: q.scale } });
    parts.push(q.bytes);
  }
  const total = parts.reduce((s, p) => s + p.byteLength, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.byteLength;
  }
  const per = Math.ceil(total / shards);
  const paths = Array.from({ length: shards }, (_, i) => `group1-shard${i + 1}of${shards}.bin`);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, bytes: Uint8Array | string) => {
    const tmp = path.join(dir, `${name}.tmp`);
    await writeFile(tmp, bytes);
    written.push(name);
    return tmp;
  };
  const tmps: [string, string][] = [];
  for (let i = 0; i < shards; i++) tmps.push([await put(paths[i]!, all.subarray(i * per, Math.min(total, (i + 1) * per))), paths[i]!]);
  const modelJson = {
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: options.convertedBy ?? 'scripts/pretrain/pretrain-wasm.mjs',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths, weights: specs }],
    ...(options.metadata ? { userDefinedMetadata: options.metadata } : {}),
  };
  tmps.push([await put('model.json', JSON.stringify(modelJson)), 'model.json']);
  // model.json last: a reader never sees a model.json whose shards are not in place yet.
  for (const [tmp, name] of tmps) await rename(tmp, path.join(dir, name));
  return { dir, files: written, weightBytes: total, maxQuantizationError: maxError };
}
