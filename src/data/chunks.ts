import { del, get, set, type UseStore } from 'idb-keyval';

/**
 * Large binary values stored in chunks. Chromium caps one IndexedDB value near 127 MiB in
 * non-persistent contexts (incognito, Playwright's default context), and the reference model's
 * weights are 156 MB; one big `put` fails there. Each chunk is its own key: `${key}#${i}`, and a
 * small manifest under `key` says how many there are. The manifest is written last, so a failed
 * write never leaves a readable half-value behind.
 */

export const DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024;

interface ChunkManifest {
  readonly kind: 'chunked';
  readonly byteLength: number;
  readonly chunks: number;
}

function isManifest(v: unknown): v is ChunkManifest {
  return typeof v === 'object' && v !== null && (v as ChunkManifest).kind === 'chunked';
}

export async function putChunked(store: UseStore, key: string, data: ArrayBuffer, chunkBytes = DEFAULT_CHUNK_BYTES): Promise<void> {
  const chunks = Math.max(1, Math.ceil(data.byteLength / chunkBytes));
  await deleteChunked(store, key);
  for (let i = 0; i < chunks; i++) {
    await set(`${key}#${i}`, data.slice(i * chunkBytes, Math.min(data.byteLength, (i + 1) * chunkBytes)), store);
  }
  const manifest: ChunkManifest = { kind: 'chunked', byteLength: data.byteLength, chunks };
  await set(key, manifest, store);
}

/** The stored value, or undefined when there is none (or it is incomplete). */
export async function getChunked(store: UseStore, key: string): Promise<ArrayBuffer | undefined> {
  const manifest: unknown = await get(key, store);
  if (!isManifest(manifest)) return undefined;
  const out = new Uint8Array(manifest.byteLength);
  let offset = 0;
  for (let i = 0; i < manifest.chunks; i++) {
    const part: unknown = await get(`${key}#${i}`, store);
    if (!(part instanceof ArrayBuffer)) return undefined;
    out.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return offset === manifest.byteLength ? out.buffer : undefined;
}

export async function deleteChunked(store: UseStore, key: string): Promise<void> {
  const manifest: unknown = await get(key, store);
  await del(key, store);
  if (isManifest(manifest)) {
    for (let i = 0; i < manifest.chunks; i++) await del(`${key}#${i}`, store);
  }
}
