import type { FaceConfig } from '../config';
import { getSampleStore, type NewSample, type SampleStore } from './samples';
import { getSettingsStore, type SettingsStore } from './storage';
import { readTar, TarError } from './tar';

/**
 * The bundled negative pack (public/negatives/, built by scripts/build-negatives.mjs): LFW faces of
 * the View 1 training people, already cropped by the face crop rule the app's capture and import
 * use (matched negatives), resized and JPEG-encoded. On first run the app
 * streams it from its own origin into the negative gallery (source 'bundled').
 *
 * Idempotent: each image's id is fixed (`bundled:<path in the pack>`), so writing it again
 * overwrites instead of duplicating; the settings flag `bundledNegatives` records the version and
 * whether every image is stored. An interrupted load resumes (stored images are skipped); a new
 * pack version replaces the old bundled images. Once a version is complete it is not loaded
 * again, even if the user deleted negatives, unless `force` is set.
 */

/** How the pack's faces were cropped (pack generation 2 on): the detector and crop rule used. */
export interface NegativesCropRule extends FaceConfig {
  /** In words, e.g. "BlazeFace short range (…), tf.js wasm backend". */
  readonly detector: string;
  /** How a photo was presented to the detector, in words. */
  readonly frame: string;
}

export interface NegativesManifest {
  readonly format: 'siamese-face-id/negatives';
  readonly version: string;
  /** The tar file, relative to the manifest. */
  readonly file: string;
  readonly bytes: number;
  readonly count: number;
  readonly people: number;
  /** Side of every (square) image in pixels. */
  readonly imageSize: number;
  /** The face crop rule (absent in generation-1 packs, which took the whole photo). */
  readonly cropRule?: NegativesCropRule;
  /** Photos examined, and those skipped because no face was found in them. */
  readonly examined?: number;
  readonly skipped?: number;
  readonly skippedFiles?: readonly string[];
  /** Crop squares that had to be shifted or shrunk to stay inside their photo. */
  readonly clamped?: number;
  readonly source: string;
  readonly licence: string;
  readonly citation: readonly string[];
}

export type NegativesErrorCode = 'fetch-failed' | 'bad-pack';

export class NegativesError extends Error {
  override readonly name = 'NegativesError';
  constructor(
    readonly code: NegativesErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface NegativesProgress {
  /** Images of the pack stored so far (including those stored by an earlier, interrupted run). */
  readonly loaded: number;
  readonly total: number;
  readonly bytesRead: number;
  readonly bytesTotal: number;
}

export interface EnsureNegativesOptions {
  readonly samples?: SampleStore;
  readonly settings?: SettingsStore;
  /** Injectable for tests; default: the global fetch. */
  readonly fetch?: (url: string) => Promise<Response>;
  readonly signal?: AbortSignal;
  /** Load again even when this version is already complete (e.g. "restore bundled negatives"). */
  readonly force?: boolean;
  /** Samples written per transaction. */
  readonly batchSize?: number;
}

export interface EnsureNegativesResult {
  readonly status: 'already-loaded' | 'loaded';
  readonly version: string;
  /** Images of the pack in the store. */
  readonly count: number;
}

/** Folder of the pack under the app's base URL. */
export const NEGATIVES_DIR = 'negatives/';
export const BUNDLED_ID_PREFIX = 'bundled:';

function joinUrl(base: string, rel: string): string {
  return base.endsWith('/') ? base + rel : `${base}/${rel}`;
}

function checkManifest(m: unknown, url: string): NegativesManifest {
  const v = m as Partial<NegativesManifest> | null;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    v.format === 'siamese-face-id/negatives' &&
    typeof v.version === 'string' &&
    typeof v.file === 'string' &&
    /^[\w.-]+$/.test(v.file) &&
    Number.isInteger(v.count) &&
    Number.isInteger(v.imageSize) &&
    (v.imageSize ?? 0) > 0;
  if (!ok) throw new NegativesError('bad-pack', `${url} is not a negative-pack manifest.`);
  return v as NegativesManifest;
}

async function fetchOk(fetchFn: (url: string) => Promise<Response>, url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (e) {
    throw new NegativesError('fetch-failed', `Could not load the bundled negatives from ${url}: ${String(e)}`, { cause: e });
  }
  if (!res.ok) throw new NegativesError('fetch-failed', `Could not load the bundled negatives from ${url}: HTTP ${res.status}.`);
  return res;
}

/** Person name of a pack path `lfw/<Name>/<Name>_NNNN.jpg`. */
function personOf(path: string): string | undefined {
  const parts = path.split('/');
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}

/**
 * Makes sure the bundled negatives of the pack at `<baseUrl>negatives/` are in the sample store.
 * `baseUrl` is the app's base (`import.meta.env.BASE_URL`). Throws `NegativesError` when the pack
 * cannot be fetched or read, `StorageError('storage-full')` when the disk is full (what was stored
 * stays, and the next call resumes), and the signal's reason when aborted.
 */
export async function ensureBundledNegatives(
  baseUrl: string,
  onProgress?: (p: NegativesProgress) => void,
  options: EnsureNegativesOptions = {},
): Promise<EnsureNegativesResult> {
  const samples = options.samples ?? getSampleStore();
  const settings = options.settings ?? getSettingsStore();
  const fetchFn = options.fetch ?? ((url: string) => fetch(url));
  const batchSize = options.batchSize ?? 100;
  const dir = joinUrl(baseUrl, NEGATIVES_DIR);
  const manifestUrl = `${dir}manifest.json`;

  const manifestRes = await fetchOk(fetchFn, manifestUrl);
  let manifest: NegativesManifest;
  try {
    manifest = checkManifest(await manifestRes.json(), manifestUrl);
  } catch (e) {
    throw e instanceof NegativesError ? e : new NegativesError('bad-pack', `${manifestUrl} is not valid JSON.`, { cause: e });
  }

  const state = await settings.get('bundledNegatives');
  if (!options.force && state?.complete && state.version === manifest.version) {
    return { status: 'already-loaded', version: manifest.version, count: state.count };
  }

  // Images of the pack already stored: kept when resuming this version, removed for another one.
  const bundled = (await samples.listSamples('negative')).filter((r) => r.source === 'bundled');
  const stored = new Set<string>();
  if (state?.version === manifest.version) bundled.forEach((r) => stored.add(r.id));
  else await samples.deleteSamples(bundled.map((r) => r.id));
  await settings.set('bundledNegatives', { version: manifest.version, count: stored.size, complete: false });

  options.signal?.throwIfAborted();
  const tarUrl = dir + manifest.file;
  const res = await fetchOk(fetchFn, tarUrl);
  if (!res.body) throw new NegativesError('fetch-failed', `${tarUrl} has no body.`);

  let loaded = 0;
  let bytesRead = 0;
  let batch: NewSample[] = [];
  const report = () => onProgress?.({ loaded, total: manifest.count, bytesRead, bytesTotal: manifest.bytes });
  const flush = async () => {
    await samples.addSamples(batch);
    loaded += batch.length;
    batch = [];
    await settings.set('bundledNegatives', { version: manifest.version, count: loaded, complete: false });
    report();
  };

  try {
    for await (const file of readTar(res.body, { name: tarUrl, gzip: 'auto', onBytes: (n) => (bytesRead = n) })) {
      options.signal?.throwIfAborted();
      const id = BUNDLED_ID_PREFIX + file.path;
      if (stored.has(id)) {
        loaded++;
        continue;
      }
      const label = personOf(file.path);
      batch.push({
        blob: new Blob([file.data], { type: 'image/jpeg' }),
        meta: {
          kind: 'negative',
          source: 'bundled',
          width: manifest.imageSize,
          height: manifest.imageSize,
          id,
          name: file.path,
          ...(label !== undefined ? { label } : {}),
        },
      });
      if (batch.length >= batchSize) await flush();
    }
  } catch (e) {
    if (e instanceof TarError) throw new NegativesError('bad-pack', `The bundled negative pack is damaged: ${e.message}`, { cause: e });
    throw e;
  }
  if (batch.length > 0) await flush();
  if (loaded !== manifest.count) {
    throw new NegativesError('bad-pack', `The bundled negative pack holds ${loaded} images; its manifest says ${manifest.count}.`);
  }
  await settings.set('bundledNegatives', { version: manifest.version, count: loaded, complete: true });
  report();
  return { status: 'loaded', version: manifest.version, count: loaded };
}
