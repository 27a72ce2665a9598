import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { createSampleStore, type SampleRecord } from '../../data';
import { copyPositivesToVerification, pickSamples } from './fromPositives';

let dbn = 0;
const freshStore = () => createSampleStore(createStore(`from-positives-${++dbn}`, 'samples'));
const blob = (n: number) => new Blob([new Uint8Array([0xff, 0xd8, n])], { type: 'image/jpeg' });

describe('pickSamples', () => {
  const records: SampleRecord[] = Array.from({ length: 10 }, (_, i) => ({
    id: `s${i}`,
    kind: 'positive',
    source: 'webcam',
    createdAt: i,
    width: 250,
    height: 250,
    bytes: 3,
    type: 'image/jpeg',
  }));

  it('picks the requested number, repeatably per seed, in stored order', () => {
    const a = pickSamples(records, 4, 1);
    expect(a).toHaveLength(4);
    expect(pickSamples(records, 4, 1)).toEqual(a);
    const ids = a.map((r) => r.id);
    expect([...ids].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1)))).toEqual(ids);
    expect(pickSamples(records, 4, 2)).not.toEqual(a);
  });

  it('caps at what is stored and rejects bad counts', () => {
    expect(pickSamples(records, 50, 1)).toHaveLength(10);
    expect(pickSamples(records, 0, 1)).toEqual([]);
    expect(() => pickSamples(records, -1, 1)).toThrow(/-1/);
  });
});

describe('copyPositivesToVerification', () => {
  it('copies blobs and metadata of chosen positives into new verification samples', async () => {
    const store = freshStore();
    await store.addSample(blob(1), { kind: 'positive', source: 'webcam', width: 250, height: 250, createdAt: 1_000 });
    await store.addSample(blob(2), {
      kind: 'positive',
      source: 'import',
      width: 250,
      height: 250,
      label: 'Ann',
      name: 'ann_1.jpg',
      createdAt: 2_000,
    });
    await store.addSample(blob(3), { kind: 'positive', source: 'webcam', width: 250, height: 250, createdAt: 3_000 });
    await store.addSample(blob(9), { kind: 'negative', source: 'bundled', width: 250, height: 250 });

    const copies = await copyPositivesToVerification(store, 2, 7);
    expect(copies).toHaveLength(2);
    expect(await store.countByKind()).toEqual({ anchor: 0, positive: 3, negative: 1, verification: 2 });
    for (const c of copies) {
      expect(c.kind).toBe('verification');
      const bytes = new Uint8Array(await (await store.getSampleBlob(c.id))!.arrayBuffer());
      expect([1, 2, 3]).toContain(bytes[2]);
    }
    const all = await copyPositivesToVerification(store, 50, 7);
    expect(all).toHaveLength(3);
    const imported = all.find((r) => r.source === 'import');
    expect(imported).toMatchObject({ label: 'Ann', name: 'ann_1.jpg', width: 250, createdAt: 2_000 });
    // Each copy keeps its original's capture time (the blob's last byte says which original).
    for (const c of all) {
      const original = (await store.getSampleBlob(c.id))!;
      expect(c.createdAt).toBe(new Uint8Array(await original.arrayBuffer())[2]! * 1_000);
    }
  });

  it('with a person, copies only their positives, and the copies are theirs', async () => {
    const store = freshStore();
    await store.addSample(blob(1), { kind: 'positive', source: 'webcam', width: 250, height: 250 }); // stored before people: "me"
    await store.addSample(blob(2), { kind: 'positive', source: 'webcam', width: 250, height: 250, person: 'bob' });
    await store.addSample(blob(3), { kind: 'positive', source: 'webcam', width: 250, height: 250, person: 'bob' });
    const bobs = await copyPositivesToVerification(store, 50, 7, 'bob');
    expect(bobs.map((r) => r.person)).toEqual(['bob', 'bob']);
    const mine = await copyPositivesToVerification(store, 50, 7, 'me');
    expect(mine.map((r) => r.person)).toEqual(['me']);
  });

  it('does nothing without positives', async () => {
    const store = freshStore();
    expect(await copyPositivesToVerification(store, 5, 1)).toEqual([]);
    expect((await store.countByKind()).verification).toBe(0);
  });
});
