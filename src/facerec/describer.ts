import * as tf from '@tensorflow/tfjs';
import { createStore, delMany, getMany, keys, setMany, type UseStore } from 'idb-keyval';
import { errorMessage } from '../common';
import { alignFace, DEFAULT_ALIGN, type Face, type FaceDetector, type PixelSource } from '../face';
import { versionOf } from '../model';
import { CHIP_RECIPE, frameFaceChip, stillImageChip } from './chip';
import { describeTensor } from './describe';

/**
 * A face describer: an image → the backbone's 128-d descriptor, by the one chip recipe (chip.ts).
 * Training describes each stored sample once (and keeps the descriptors in IndexedDB); live
 * verification describes one face per frame.
 */
export interface FaceDescriber {
  /**
   * The descriptors' version: the backbone weights' version and the chip recipe. Descriptors of
   * another version are not comparable (another backbone, another crop).
   */
  readonly version: string;
  /** A still image (a stored capture, a negative): the face found in it, or its centre (`faceFound` false). */
  describeStill(pixels: PixelSource): Promise<{ readonly descriptor: Float32Array; readonly faceFound: boolean }>;
  /** A face the live loop found in a camera frame (refined here, then aligned). */
  describeFace(pixels: PixelSource, face: Face): Promise<Float32Array>;
  /** A face already refined in its own region (src/face refineFace): aligned only, no second detection. */
  describeRefined(pixels: PixelSource, face: Face): Promise<Float32Array>;
}

export interface FaceDescriberParts {
  /** The backbone with its weights (src/facerec loadBackbone); the caller keeps and disposes it. */
  readonly backbone: tf.LayersModel;
  /** Its weights' version (BackboneLoad.version). */
  readonly backboneVersion: string;
  /** A face detector (src/face); the caller keeps and disposes it. */
  readonly detector: FaceDetector;
  /** Faces count from this detection score (default DEFAULT_FACE_CONFIG's 0.5). */
  readonly scoreThreshold?: number;
}

async function descriptorOf(backbone: tf.LayersModel, chip: tf.Tensor3D): Promise<Float32Array> {
  const batch = tf.expandDims(chip, 0) as tf.Tensor4D;
  try {
    return (await describeTensor(backbone, batch))[0]!;
  } finally {
    batch.dispose();
    chip.dispose();
  }
}

/** The descriptors' version for a backbone version: it and the chip recipe. */
export function descriptorVersion(backboneVersion: string): string {
  return versionOf(`${backboneVersion}|${JSON.stringify(CHIP_RECIPE)}`);
}

export function createFaceDescriber(parts: FaceDescriberParts): FaceDescriber {
  const { backbone, detector } = parts;
  return {
    version: descriptorVersion(parts.backboneVersion),
    async describeStill(pixels) {
      const { chip, faceFound } = await stillImageChip(detector, pixels);
      return { descriptor: await descriptorOf(backbone, chip), faceFound };
    },
    async describeFace(pixels, face) {
      return descriptorOf(backbone, await frameFaceChip(detector, pixels, face, parts.scoreThreshold));
    },
    async describeRefined(pixels, face) {
      return descriptorOf(backbone, alignFace(pixels, face, DEFAULT_ALIGN));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The descriptor cache

export const DESCRIPTOR_STORE = { database: 'siamese-face-id-descriptors', store: 'descriptors' } as const;

/** A cached descriptor: the values and whether a face was found in the image. */
export interface CachedDescriptor {
  readonly descriptor: Float32Array;
  readonly faceFound: boolean;
}

/**
 * Descriptors of stored images by sample id, for one descriptor version, kept in IndexedDB: the
 * backbone runs once per image (the bundled negatives once per model version), and a later
 * training only describes new captures. Storage failures never fail training: `get` then finds
 * nothing and `put` reports why it kept nothing (`notKept`).
 */
export interface DescriptorCache {
  get(ids: readonly string[]): Promise<Map<string, CachedDescriptor>>;
  put(entries: ReadonlyMap<string, CachedDescriptor>): Promise<void>;
  /** Deletes descriptors of other versions (a new backbone or chip recipe makes them useless). */
  prune(): Promise<void>;
  /** Why the last put kept nothing (storage full, IndexedDB unavailable); null when it kept them. */
  readonly notKept: string | null;
}

let defaultStore: UseStore | undefined;
function descriptorStore(): UseStore {
  defaultStore ??= createStore(DESCRIPTOR_STORE.database, DESCRIPTOR_STORE.store);
  return defaultStore;
}

export function createDescriptorCache(version: string, store?: UseStore): DescriptorCache {
  const key = (id: string) => `${version}/${id}`;
  let notKept: string | null = null;
  const use = () => store ?? descriptorStore();
  return {
    get notKept() {
      return notKept;
    },
    async get(ids) {
      const out = new Map<string, CachedDescriptor>();
      try {
        const values = await getMany<CachedDescriptor>(ids.map(key), use());
        values.forEach((v, i) => {
          if (v && v.descriptor instanceof Float32Array && typeof v.faceFound === 'boolean') out.set(ids[i]!, v);
        });
      } catch {
        // An unreadable cache only means describing again.
      }
      return out;
    },
    async put(entries) {
      if (entries.size === 0) return;
      try {
        await setMany(
          [...entries].map(([id, v]) => [key(id), { descriptor: v.descriptor, faceFound: v.faceFound }]),
          use(),
        );
        notKept = null;
      } catch (e) {
        notKept = `the face descriptors could not be kept in this browser (${errorMessage(e)}); they are computed again next time`;
      }
    },
    async prune() {
      try {
        const stale = (await keys(use())).filter((k) => typeof k === 'string' && !k.startsWith(`${version}/`));
        if (stale.length > 0) await delMany(stale, use());
      } catch {
        // Pruning is housekeeping: a failure leaves the old entries.
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Describing stored samples

export interface DescribeSamplesOptions<S extends { readonly id: string }> {
  readonly describer: FaceDescriber;
  /** Where descriptors are kept between runs (default: none). */
  readonly cache?: DescriptorCache;
  /** A sample's pixels (the caller decodes its stored image; a failure propagates). */
  readonly pixels: (sample: S) => Promise<PixelSource>;
  readonly signal?: AbortSignal;
  /** After each sample described or found in the cache. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface DescribedSamples {
  /** By sample id, every sample asked for. */
  readonly descriptors: ReadonlyMap<string, CachedDescriptor>;
  /** How many came from the cache; the rest were described now. */
  readonly fromCache: number;
  /** Ids of the samples in which no face was found (their central square was used). */
  readonly noFace: readonly string[];
}

/**
 * The descriptors of `samples`: from the cache where it has them, the others described now and
 * then added to it (in batches, so a stop or a failure keeps what was done). Null when `signal`
 * stops it.
 */
export async function describeSamples<S extends { readonly id: string }>(
  samples: readonly S[],
  options: DescribeSamplesOptions<S>,
): Promise<DescribedSamples | null> {
  const { describer, cache } = options;
  const cached = cache ? await cache.get(samples.map((s) => s.id)) : new Map<string, CachedDescriptor>();
  const out = new Map<string, CachedDescriptor>(cached);
  const total = samples.length;
  let done = cached.size;
  options.onProgress?.(done, total);
  let fresh = new Map<string, CachedDescriptor>();
  const flush = async () => {
    if (cache) await cache.put(fresh);
    fresh = new Map();
  };
  try {
    for (const sample of samples) {
      if (out.has(sample.id)) continue;
      if (options.signal?.aborted) return null;
      const d = await describer.describeStill(await options.pixels(sample));
      out.set(sample.id, d);
      fresh.set(sample.id, d);
      options.onProgress?.(++done, total);
      if (fresh.size >= 32) await flush();
    }
  } finally {
    await flush();
  }
  const noFace = samples.filter((s) => !out.get(s.id)!.faceFound).map((s) => s.id);
  return { descriptors: out, fromCache: cached.size, noFace };
}
