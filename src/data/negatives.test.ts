import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createStore, keys } from 'idb-keyval';
import { decode } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FACE_CONFIG } from '../config';
import { ensureBundledNegatives, type NegativesManifest, type NegativesProgress } from './negatives';
import { createSampleStore } from './samples';
import { createSettingsStore, StorageError } from './storage';
import { readTar } from './tar';
import { lfwPhotos, makeTar, SHARED_DATA } from './test-support/archives';
import { fullAfter } from './test-support/full-store';

const PUBLIC = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../public');
const PACK_DIR = path.join(PUBLIC, 'negatives');
const manifest = JSON.parse(readFileSync(path.join(PACK_DIR, 'manifest.json'), 'utf8')) as Required<NegativesManifest> & { sha256: string };
const people = (split: string) =>
  new Set(
    readFileSync(path.join(SHARED_DATA, `lfw-meta/people-${split}.tsv`), 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split('\t')[0]!),
  );

type Served = Record<string, Uint8Array | string>;
/** A fetch that serves files from memory (or streams real files from disk), 404 otherwise. */
function fetchStub(files: Served, log: string[] = []) {
  return async (url: string): Promise<Response> => {
    log.push(url);
    const body = files[url];
    if (body === undefined) return new Response('not found', { status: 404 });
    if (typeof body === 'string') return new Response(Readable.toWeb(createReadStream(body)) as ReadableStream<Uint8Array>);
    return new Response(new Blob([body as Uint8Array<ArrayBuffer>]));
  };
}

let dbCount = 0;
const stores = () => {
  const n = ++dbCount;
  return {
    samples: createSampleStore(createStore(`neg-samples-${n}`, 's')),
    settings: createSettingsStore(createStore(`neg-settings-${n}`, 's')),
  };
};

describe('bundled negative pack (public/negatives)', () => {
  it('holds the stated number of 100×100 JPEGs of people-dev-train people only', async () => {
    const tarPath = path.join(PACK_DIR, manifest.file);
    const bytes = readFileSync(tarPath);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifest.sha256);
    const total = statSync(tarPath).size + statSync(path.join(PACK_DIR, 'manifest.json')).size;
    expect(total).toBeLessThan(10_000_000);

    const train = people('dev-train');
    const test = people('dev-test');
    const seen = new Set<string>();
    const paths = new Set<string>();
    let count = 0;
    const stream = Readable.toWeb(createReadStream(tarPath)) as ReadableStream<Uint8Array>;
    for await (const f of readTar(stream, { name: manifest.file })) {
      const m = /^lfw\/([^/]+)\/\1_\d{4}\.jpg$/.exec(f.path);
      expect(m, f.path).not.toBeNull();
      const person = m![1]!;
      expect(train.has(person), person).toBe(true);
      expect(test.has(person), person).toBe(false);
      seen.add(person);
      paths.add(f.path);
      const img = decode(f.data, { useTArray: true, tolerantDecoding: false });
      expect([img.width, img.height]).toEqual([manifest.imageSize, manifest.imageSize]);
      count++;
    }
    expect(count).toBe(manifest.count);
    expect(paths.size).toBe(count);
    for (const skipped of manifest.skippedFiles ?? []) expect(paths.has(skipped), skipped).toBe(false);
    expect(seen.size).toBe(manifest.people);
    expect(count).toBeGreaterThanOrEqual(1000);
    expect(seen.size).toBeGreaterThanOrEqual(500);
    expect(manifest.imageSize).toBe(100);
  });

  it('records the face crop rule of the app (DEFAULT_FACE_CONFIG) and the photos skipped with no face', () => {
    // Generation 2: face-cropped. A new generation means a new version, which replaces a stored older pack.
    expect(manifest.version).toMatch(/^2-[0-9a-f]{16}$/);
    expect(manifest.version.slice(2)).toBe(manifest.sha256.slice(0, 16));
    const { variant, scoreThreshold, iouThreshold, centre, marginFactor, offsetX, offsetY } = DEFAULT_FACE_CONFIG;
    expect(manifest.cropRule).toMatchObject({ variant, scoreThreshold, iouThreshold, centre, marginFactor, offsetX, offsetY });
    expect(manifest.cropRule.detector).toContain('BlazeFace');
    expect(manifest.cropRule.frame).toContain('640×480');

    expect(manifest.skipped).toBe(manifest.skippedFiles.length);
    expect(manifest.examined).toBe(manifest.count + manifest.skipped);
    expect(manifest.skipped / manifest.examined).toBeLessThan(0.05); // LFW photos are faces: few misses
    expect(manifest.clamped).toBeGreaterThanOrEqual(0);
    expect(manifest.clamped).toBeLessThanOrEqual(manifest.count);
    const train = people('dev-train');
    for (const f of manifest.skippedFiles) {
      const m = /^lfw\/([^/]+)\/\1_\d{4}\.jpg$/.exec(f);
      expect(m, f).not.toBeNull();
      expect(train.has(m![1]!), f).toBe(true);
      expect(statSync(path.join(SHARED_DATA, f)).isFile(), f).toBe(true);
    }
  });

  it('loads into the negative gallery on first run, then not again', async () => {
    const { samples, settings } = stores();
    const log: string[] = [];
    const fetch = fetchStub(
      {
        '/negatives/manifest.json': path.join(PACK_DIR, 'manifest.json'),
        [`/negatives/${manifest.file}`]: path.join(PACK_DIR, manifest.file),
      },
      log,
    );
    const progress: NegativesProgress[] = [];
    const first = await ensureBundledNegatives('/', (p) => progress.push(p), { samples, settings, fetch });
    expect(first).toEqual({ status: 'loaded', version: manifest.version, count: manifest.count });
    expect(await samples.countByKind()).toEqual({ anchor: 0, positive: 0, negative: manifest.count, verification: 0 });
    const records = await samples.listSamples('negative');
    expect(records.every((r) => r.source === 'bundled' && r.width === 100 && r.type === 'image/jpeg' && r.label !== undefined)).toBe(true);
    expect(progress.at(-1)).toEqual({
      loaded: manifest.count,
      total: manifest.count,
      bytesRead: manifest.bytes,
      bytesTotal: manifest.bytes,
    });
    expect(await settings.get('bundledNegatives')).toEqual({ version: manifest.version, count: manifest.count, complete: true });

    log.length = 0;
    const again = await ensureBundledNegatives('/', undefined, { samples, settings, fetch });
    expect(again.status).toBe('already-loaded');
    expect(log).toEqual(['/negatives/manifest.json']); // the pack itself is not fetched again
    expect((await samples.countByKind()).negative).toBe(manifest.count);
  });
});

describe('upgrading a browser that stored the generation-1 pack', () => {
  it('replaces the old bundled negatives (none doubled) and keeps the user’s own', async () => {
    const { samples, settings } = stores();
    // What a browser holds after the generation-1 pack: its version, complete, its bundled images
    // (ids from pack paths; one of them in the new pack too, one not), and an imported negative.
    const [first] = await (async () => {
      for await (const f of readTar(Readable.toWeb(createReadStream(path.join(PACK_DIR, manifest.file))) as ReadableStream<Uint8Array>, {
        name: manifest.file,
      }))
        return [f.path];
      return [];
    })();
    const oldPaths = [first!, 'lfw/Michael_Hagee/Michael_Hagee_0001.jpg'];
    const jpeg = lfwPhotos('Aaron_Peirsol', 1)[0]![1];
    await samples.addSamples(
      oldPaths.map((p) => ({
        blob: new Blob([jpeg], { type: 'image/jpeg' }),
        meta: { kind: 'negative' as const, source: 'bundled' as const, width: 100, height: 100, id: `bundled:${p}`, name: p },
      })),
    );
    const mine = await samples.addSample(new Blob([jpeg], { type: 'image/jpeg' }), {
      kind: 'negative',
      source: 'import',
      width: 250,
      height: 250,
    });
    await settings.set('bundledNegatives', { version: '1-7675166cb60b416b', count: 1200, complete: true });

    const fetch = fetchStub({
      '/negatives/manifest.json': path.join(PACK_DIR, 'manifest.json'),
      [`/negatives/${manifest.file}`]: path.join(PACK_DIR, manifest.file),
    });
    expect(await ensureBundledNegatives('/', undefined, { samples, settings, fetch })).toEqual({
      status: 'loaded',
      version: manifest.version,
      count: manifest.count,
    });
    const records = await samples.listSamples('negative');
    expect(records).toHaveLength(manifest.count + 1);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
    expect(records.some((r) => r.id === mine.id)).toBe(true);
    expect(records.some((r) => r.name === oldPaths[1])).toBe(false);
    expect(records.find((r) => r.name === oldPaths[0])?.width).toBe(manifest.imageSize);
  });
});

describe('ensureBundledNegatives', () => {
  const photos = [...lfwPhotos('Aaron_Peirsol'), ...lfwPhotos('Abdullah_Gul', 3)]; // 7 images
  async function pack(version: string, members = photos): Promise<Served> {
    const tar = await makeTar(members);
    const m = {
      format: 'siamese-face-id/negatives',
      version,
      file: 'pack.tar',
      bytes: tar.length,
      count: members.length,
      people: 2,
      imageSize: 250,
      source: 'test',
      licence: 'test',
      citation: [],
    };
    return { '/app/negatives/manifest.json': JSON.stringify(m), '/app/negatives/pack.tar': tar };
  }
  const served = (files: Served) =>
    fetchStub(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v])));

  it('resumes an interrupted load without duplicates', async () => {
    const { samples, settings } = stores();
    const fetch = served(await pack('v1'));
    const stop = new AbortController();
    const interrupted = ensureBundledNegatives('/app/', (p) => p.loaded >= 3 && stop.abort(), {
      samples,
      settings,
      fetch,
      signal: stop.signal,
      batchSize: 3,
    });
    await expect(interrupted).rejects.toThrow();
    expect((await samples.countByKind()).negative).toBe(3);
    expect(await settings.get('bundledNegatives')).toEqual({ version: 'v1', count: 3, complete: false });

    const resumed = await ensureBundledNegatives('/app', undefined, { samples, settings, fetch, batchSize: 3 });
    expect(resumed).toEqual({ status: 'loaded', version: 'v1', count: 7 });
    const ids = (await samples.listSamples('negative')).map((r) => r.id);
    expect(new Set(ids).size).toBe(7);
    expect(ids.length).toBe(7);
  });

  it('replaces the bundled images of an older version and keeps the user’s own negatives', async () => {
    const { samples, settings } = stores();
    await ensureBundledNegatives('/app/', undefined, { samples, settings, fetch: served(await pack('v1')) });
    const mine = await samples.addSample(new Blob([photos[0]![1]], { type: 'image/jpeg' }), {
      kind: 'negative',
      source: 'import',
      width: 250,
      height: 250,
    });
    const v2 = await ensureBundledNegatives('/app/', undefined, { samples, settings, fetch: served(await pack('v2', photos.slice(0, 2))) });
    expect(v2.count).toBe(2);
    const records = await samples.listSamples('negative');
    expect(records.filter((r) => r.source === 'bundled').map((r) => r.name)).toEqual(photos.slice(0, 2).map(([p]) => p));
    expect(records.some((r) => r.id === mine.id)).toBe(true);
  });

  it('respects deleted negatives unless forced', async () => {
    const { samples, settings } = stores();
    const fetch = served(await pack('v1'));
    await ensureBundledNegatives('/app/', undefined, { samples, settings, fetch });
    await samples.deleteKind('negative');
    expect((await ensureBundledNegatives('/app/', undefined, { samples, settings, fetch })).status).toBe('already-loaded');
    expect((await samples.countByKind()).negative).toBe(0);
    expect(await ensureBundledNegatives('/app/', undefined, { samples, settings, fetch, force: true })).toMatchObject({
      status: 'loaded',
      count: 7,
    });
    expect((await samples.countByKind()).negative).toBe(7);
  });

  it('storage full mid-load: a clear storage-full error, every stored image whole, and the next run resumes', async () => {
    const n = ++dbCount;
    const idb = createStore(`neg-full-samples-${n}`, 's');
    const settings = createSettingsStore(createStore(`neg-full-settings-${n}`, 's'));
    const fetch = served(await pack('v1'));
    // The disk fills up after the first batch of 3: the second batch (images 4–6) does not fit.
    const full = createSampleStore(fullAfter(idb, 1));
    const progress: NegativesProgress[] = [];
    const err = await ensureBundledNegatives('/app/', (p) => progress.push(p), { samples: full, settings, fetch, batchSize: 3 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageError);
    expect(err).toMatchObject({ code: 'storage-full', sample: { name: photos[3]![0], kind: 'negative' } });
    expect((err as Error).message).toBe(
      `Storage is full: could not save 3 samples (from "${photos[3]![0]}"). Samples saved before are kept; delete some samples or free disk space.`,
    );
    expect(progress.map((p) => p.loaded)).toEqual([3]);

    // What was stored is whole: the first batch, each record with its blob byte for byte, no
    // orphan key of the failed batch, and the settings say "3 of v1, incomplete".
    const store = createSampleStore(idb);
    const records = await store.listSamples('negative');
    expect(records.map((r) => r.name)).toEqual(photos.slice(0, 3).map(([p]) => p));
    const blobs = await store.getSampleBlobs(records.map((r) => r.id));
    for (const [i, blob] of blobs.entries()) {
      expect(blob?.size).toBe(records[i]!.bytes);
      expect(new Uint8Array(await blob!.arrayBuffer())).toEqual(photos[i]![1]);
    }
    expect((await keys(idb)).length).toBe(2 * 3);
    expect(await settings.get('bundledNegatives')).toEqual({ version: 'v1', count: 3, complete: false });

    // Space freed: the next run stores the rest, without duplicates.
    expect(await ensureBundledNegatives('/app/', undefined, { samples: store, settings, fetch, batchSize: 3 })).toEqual({
      status: 'loaded',
      version: 'v1',
      count: 7,
    });
    const after = await store.listSamples('negative');
    expect(after.map((r) => r.name).sort()).toEqual(photos.map(([p]) => p).sort());
    expect((await keys(idb)).length).toBe(2 * 7);
    expect(await settings.get('bundledNegatives')).toEqual({ version: 'v1', count: 7, complete: true });
  });

  it('fails clearly on a missing, malformed or short pack', async () => {
    const { samples, settings } = stores();
    const files = await pack('v1');
    await expect(ensureBundledNegatives('/app/', undefined, { samples, settings, fetch: served({}) })).rejects.toMatchObject({
      code: 'fetch-failed',
    });
    await expect(
      ensureBundledNegatives('/app/', undefined, {
        samples,
        settings,
        fetch: served({ ...files, '/app/negatives/manifest.json': '{"format":"x"}' }),
      }),
    ).rejects.toMatchObject({ code: 'bad-pack' });
    const short = { ...files, '/app/negatives/pack.tar': (files['/app/negatives/pack.tar'] as Uint8Array).slice(0, 20000) };
    await expect(ensureBundledNegatives('/app/', undefined, { samples, settings, fetch: served(short) })).rejects.toMatchObject({
      code: 'bad-pack',
    });
    expect((await settings.get('bundledNegatives'))?.complete).toBe(false);
  });
});
