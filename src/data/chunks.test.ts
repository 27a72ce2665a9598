import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { deleteChunked, getChunked, putChunked } from './chunks';

describe('chunked values', () => {
  it('round-trips a buffer split into several chunks and deletes every chunk', async () => {
    const store = createStore('test-chunks', 'kv');
    const data = new Uint8Array(1000).map((_, i) => (i * 7) % 256);
    await putChunked(store, 'w', data.buffer, 300);
    const back = await getChunked(store, 'w');
    expect(new Uint8Array(back!)).toEqual(data);
    await deleteChunked(store, 'w');
    expect(await getChunked(store, 'w')).toBeUndefined();
  });

  it('returns undefined for a missing key', async () => {
    expect(await getChunked(createStore('test-chunks-2', 'kv'), 'nope')).toBeUndefined();
  });
});
