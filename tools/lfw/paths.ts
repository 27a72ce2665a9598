/**
 * Where the tools find the project and the shared LFW data: the shared folder sits next to the
 * project (`../shared`), with data/lfw (<Person>/<Person>_NNNN.jpg) and data/lfw-meta (people and
 * pairs files of the official dev split).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared data folder next to the project (`../shared`). */
export const SHARED_DIR = resolve(REPO_ROOT, '../shared');
export const LFW_DIR = join(SHARED_DIR, 'data/lfw');
export const LFW_META_DIR = join(SHARED_DIR, 'data/lfw-meta');

/** `lfw/<Person>/<Person>_NNNN.jpg`: photo `index` (1-based, as in the file names) of `person`. */
export function lfwPath(person: string, index: number): string {
  return join(LFW_DIR, person, `${person}_${String(index).padStart(4, '0')}.jpg`);
}
