/**
 * Descriptors of LFW photos, computed once per chip function and cached on disk:
 * `<cache>/<chip>/descriptors.json` (chip, backbone version, photo list) beside
 * `descriptors.f32` (photos × 128 float32, in list order). A run adds only the photos the cache
 * lacks, and saves as it goes, so an interrupted run resumes.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { decodeJpeg } from '../../tools/codec';
import { DESCRIPTOR_SIZE, describe, type Chip } from '../../src/facerec';
import type { ChipFunction } from './external';

export interface DescriptorCache {
  readonly chip: string;
  readonly backboneVersion: string;
  readonly descriptors: Map<string, Float32Array>;
}

interface CacheIndex {
  readonly chip: string;
  readonly backboneVersion: string;
  readonly dim: number;
  readonly photos: string[];
}

const files = (dir: string, chip: string) => ({
  index: path.join(dir, chip, 'descriptors.json'),
  data: path.join(dir, chip, 'descriptors.f32'),
});

/** The cache of `chip`, or an empty one when there is none or it was made with other weights. */
export async function readCache(dir: string, chip: string, backboneVersion: string): Promise<DescriptorCache> {
  const f = files(dir, chip);
  const empty = { chip, backboneVersion, descriptors: new Map<string, Float32Array>() };
  if (!existsSync(f.index) || !existsSync(f.data)) return empty;
  const index = JSON.parse(await readFile(f.index, 'utf8')) as CacheIndex;
  if (index.chip !== chip || index.backboneVersion !== backboneVersion || index.dim !== DESCRIPTOR_SIZE) return empty;
  const buf = await readFile(f.data);
  if (buf.byteLength !== index.photos.length * DESCRIPTOR_SIZE * 4) return empty;
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  index.photos.forEach((p, i) => empty.descriptors.set(p, all.slice(i * DESCRIPTOR_SIZE, (i + 1) * DESCRIPTOR_SIZE)));
  return empty;
}

export async function writeCache(dir: string, cache: DescriptorCache): Promise<void> {
  const f = files(dir, cache.chip);
  await mkdir(path.dirname(f.index), { recursive: true });
  const photos = [...cache.descriptors.keys()];
  const all = new Float32Array(photos.length * DESCRIPTOR_SIZE);
  photos.forEach((p, i) => all.set(cache.descriptors.get(p)!, i * DESCRIPTOR_SIZE));
  const index: CacheIndex = { chip: cache.chip, backboneVersion: cache.backboneVersion, dim: DESCRIPTOR_SIZE, photos };
  // Data first, then the index that describes it; each written to a temporary name and renamed.
  await writeFile(`${f.data}.tmp`, new Uint8Array(all.buffer));
  await rename(`${f.data}.tmp`, f.data);
  await writeFile(`${f.index}.tmp`, JSON.stringify(index));
  await rename(`${f.index}.tmp`, f.index);
}

export interface ComputeOptions {
  readonly batchSize?: number;
  /** Save the cache every this many new photos (default 512). */
  readonly saveEvery?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Adds the descriptors of `photos` (paths relative to `lfwDir`) that `cache` lacks: decode, chip,
 * backbone. Saves to `dir` as it goes and at the end.
 */
export async function computeDescriptors(
  backbone: tf.LayersModel,
  chips: ChipFunction,
  lfwDir: string,
  photos: readonly string[],
  cache: DescriptorCache,
  dir: string,
  options: ComputeOptions = {},
): Promise<void> {
  const batchSize = options.batchSize ?? 8;
  const saveEvery = options.saveEvery ?? 512;
  const todo = [...new Set(photos)].filter((p) => !cache.descriptors.has(p));
  let sinceSave = 0;
  for (let i = 0; i < todo.length; i += batchSize) {
    const batch = todo.slice(i, i + batchSize);
    const made: Chip[] = [];
    for (const p of batch) made.push(await chips.chip(p, decodeJpeg(new Uint8Array(await readFile(path.join(lfwDir, p))), p)));
    const ds = await describe(backbone, made);
    batch.forEach((p, k) => cache.descriptors.set(p, ds[k]!));
    sinceSave += batch.length;
    options.onProgress?.(Math.min(i + batchSize, todo.length), todo.length);
    if (sinceSave >= saveEvery) {
      await writeCache(dir, cache);
      sinceSave = 0;
    }
  }
  if (todo.length > 0) await writeCache(dir, cache);
}
