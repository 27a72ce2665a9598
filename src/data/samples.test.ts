import 'fake-indexeddb/auto';
import { createStore, keys } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_TRAINING_CONFIG } from '../config';
import { createSampleStore, type SampleMeta } from './samples';
import { createSettingsStore, DEFAULT_SETTINGS, isQuotaExceeded, StorageError } from './storage';
import { fullAfter } from './test-support/full-store';

let dbCount = 0;
const freshStore = () => createStore(`test-samples-${++dbCount}`, 'samples');
const jpeg = (n: number) => new Blob([new Uint8Array(n).fill(7)], { type: 'image/jpeg' });
const meta = (kind: SampleMeta['kind'], extra: Partial<SampleMeta> = {}): SampleMeta => ({
  kind,
  source: 'webcam',
  width: 250,
  height: 250,
  ...extra,
});

describe('sample store', () => {
  it('adds, lists (records only, by time), counts, reads blobs and deletes', async () => {
    const samples = createSampleStore(freshStore());
    const a1 = await samples.addSample(jpeg(10), meta('anchor', { createdAt: 3000 }));
    const a2 = await samples.addSample(jpeg(11), meta('anchor', { createdAt: 1000 }));
    const p1 = await samples.addSample(jpeg(12), meta('positive', { source: 'import', label: 'Aaron', name: 'a/b.jpg' }));
    await samples.addSamples([
      { blob: jpeg(13), meta: meta('negative', { source: 'bundled', id: 'bundled:x' }) },
      { blob: jpeg(14), meta: meta('negative', { source: 'bundled', id: 'bundled:y' }) },
    ]);

    expect(p1).toMatchObject({
      kind: 'positive',
      source: 'import',
      label: 'Aaron',
      name: 'a/b.jpg',
      bytes: 12,
      type: 'image/jpeg',
      width: 250,
    });
    const anchors = await samples.listSamples('anchor');
    expect(anchors.map((r) => r.id)).toEqual([a2.id, a1.id]);
    for (const r of await samples.listSamples()) expect(Object.values(r).some((v) => v instanceof Blob)).toBe(false);
    expect((await samples.listSamples()).length).toBe(5);
    expect(await samples.countByKind()).toEqual({ anchor: 2, positive: 1, negative: 2, verification: 0 });

    const blob = await samples.getSampleBlob(p1.id);
    expect(blob?.size).toBe(12);
    expect((await samples.getSampleBlobs([a1.id, 'nope', 'bundled:y'])).map((b) => b?.size)).toEqual([10, undefined, 14]);

    // Writing a fixed id again overwrites instead of duplicating.
    await samples.addSample(jpeg(15), meta('negative', { source: 'bundled', id: 'bundled:x' }));
    expect((await samples.countByKind()).negative).toBe(2);
    expect((await samples.getSampleBlob('bundled:x'))?.size).toBe(15);

    await samples.deleteSample(a1.id);
    expect(await samples.getSampleBlob(a1.id)).toBeUndefined();
    expect((await samples.listSamples('anchor')).map((r) => r.id)).toEqual([a2.id]);

    expect(await samples.deleteKind('negative')).toBe(2);
    expect(await samples.getSampleBlob('bundled:y')).toBeUndefined();
    expect(await samples.countByKind()).toEqual({ anchor: 1, positive: 1, negative: 0, verification: 0 });
  });

  it('refuses invalid samples, naming the bad value', async () => {
    const samples = createSampleStore(freshStore());
    await expect(samples.addSample(jpeg(0), meta('anchor'))).rejects.toMatchObject({ code: 'invalid-sample' });
    await expect(samples.addSample(jpeg(3), meta('face' as 'anchor'))).rejects.toThrow(/kind = "face"/);
    await expect(samples.addSample(jpeg(3), meta('anchor', { width: 0 }))).rejects.toThrow(/width = 0/);
  });

  it('reports storage-full with the failing sample and keeps what was stored before', async () => {
    const base = freshStore();
    const samples = createSampleStore(fullAfter(base, 2));
    await samples.addSample(jpeg(10), meta('positive', { name: 'one.jpg' }));
    await samples.addSample(jpeg(11), meta('positive', { name: 'two.jpg' }));
    const err = await samples.addSample(jpeg(12), meta('positive', { name: 'three.jpg' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err).toMatchObject({ code: 'storage-full', sample: { name: 'three.jpg', kind: 'positive' } });
    expect((err as Error).message).toContain('"three.jpg"');

    const intact = createSampleStore(base);
    const records = await intact.listSamples('positive');
    expect(records.map((r) => r.name)).toEqual(['one.jpg', 'two.jpg']);
    for (const r of records) expect((await intact.getSampleBlob(r.id))?.size).toBe(r.bytes);
    // No orphan blob or record of the failed write: 2 records + 2 blobs.
    expect((await keys(base)).length).toBe(4);
  });

  it('recognises quota errors in their browser shapes', () => {
    expect(isQuotaExceeded(new DOMException('x', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaExceeded({ name: 'AbortError', error: new DOMException('x', 'QuotaExceededError') })).toBe(true);
    expect(isQuotaExceeded(new Error('wrapped', { cause: { name: 'NS_ERROR_DOM_QUOTA_REACHED' } }))).toBe(true);
    expect(isQuotaExceeded(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isQuotaExceeded(undefined)).toBe(false);
  });
});

describe('settings store', () => {
  it('gives defaults, stores validated values and ignores damaged ones', async () => {
    const idb = createStore('test-settings', 'settings');
    const settings = createSettingsStore(idb);
    expect(await settings.get('training')).toEqual(DEFAULT_SETTINGS.training);
    expect(await settings.get('bundledNegatives')).toBeNull();

    await settings.set('training', { ...DEFAULT_TRAINING_CONFIG, epochs: 7 });
    await settings.set('bundledNegatives', { version: 'v1', count: 3, complete: false });
    await settings.set('persistenceRequested', true);
    expect((await createSettingsStore(idb).get('training')).epochs).toBe(7);
    expect(await settings.get('bundledNegatives')).toEqual({ version: 'v1', count: 3, complete: false });
    expect(await settings.get('persistenceRequested')).toBe(true);
    // The Train panel's "Advanced" disclosure: closed until the user opens it, then remembered.
    expect(await settings.get('trainingAdvancedOpen')).toBe(false);
    await settings.set('trainingAdvancedOpen', true);
    expect(await createSettingsStore(idb).get('trainingAdvancedOpen')).toBe(true);
    await expect(settings.set('trainingAdvancedOpen', 'yes' as unknown as boolean)).rejects.toBeInstanceOf(TypeError);

    await expect(settings.set('training', { ...DEFAULT_TRAINING_CONFIG, epochs: 0 })).rejects.toBeInstanceOf(ConfigError);
    const { set } = await import('idb-keyval');
    await set('verify', { detectionThreshold: 'high' }, idb);
    expect(await settings.get('verify')).toEqual(DEFAULT_SETTINGS.verify);
  });
});
