import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { packTar } from 'modern-tar';

/** Test helpers: real LFW photos from the shared data, tar / .tgz archives built from them. */

export const SHARED_DATA = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/data');
export const LFW_DIR = path.join(SHARED_DATA, 'lfw');

/** The photos of one LFW person as [path relative to the LFW root's parent, bytes]. */
export function lfwPhotos(person: string, max = Infinity): [string, Uint8Array<ArrayBuffer>][] {
  return readdirSync(path.join(LFW_DIR, person))
    .sort()
    .slice(0, max)
    .map((f) => [`lfw/${person}/${f}`, new Uint8Array(readFileSync(path.join(LFW_DIR, person, f)))]);
}

/** A tar of the given members (fixed mtime, so the bytes are repeatable). */
export function makeTar(members: readonly (readonly [string, Uint8Array])[]): Promise<Uint8Array<ArrayBuffer>> {
  return packTar(
    members.map(([name, body]) => ({ header: { name, size: body.byteLength, mtime: new Date(0), type: 'file' as const }, body })),
  );
}

export function gzip(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(gzipSync(bytes));
}

/** A stream that hands out `bytes` in chunks of `chunk` bytes (to cross header boundaries). */
export function chunkedStream(bytes: Uint8Array, chunk = 1000): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}
