import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { decode } from 'jpeg-js';
import type { Square } from '../src/data';
import { preprocessBatch, type PixelData } from '../src/model';
import { LFW_DIR, LFW_META_DIR } from '../tools/lfw';

/**
 * LFW photos for Node tests: /work/shared/data/lfw/<Person>/<Person>_NNNN.jpg (250×250 JPEG,
 * face centred), decoded with jpeg-js. Read-only shared data, outside the repository.
 */

export { LFW_DIR, LFW_META_DIR, lfwPath } from '../tools/lfw';

/** Number of photos of `person`. */
export function photoCount(person: string): number {
  return readdirSync(join(LFW_DIR, person)).filter((f) => f.endsWith('.jpg')).length;
}

/** (name, image count) rows of an lfw-meta people file, e.g. 'people-dev-train.tsv'. */
export function readPeople(file: string): Array<{ name: string; count: number }> {
  return readFileSync(join(LFW_META_DIR, file), 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split('\t'))
    .filter((cols) => cols.length === 2 && cols[0] !== '')
    .map(([name, count]) => ({ name: name!, count: Number(count) }))
    .filter((p) => existsSync(join(LFW_DIR, p.name)));
}

/** A JPEG file as RGBA pixels. */
export function readPhoto(path: string): PixelData {
  const img = decode(readFileSync(path), { useTArray: true, formatAsRGBA: true });
  return { data: img.data, width: img.width, height: img.height };
}

/**
 * Photos as one model-input batch [n, inputSize, inputSize, 3] in [0, 1] (src/model preprocess:
 * bilinear, half-pixel centres). `square` crops every photo first (default: the whole photo, the
 * app's rule for imported LFW photos).
 */
export function photoBatch(paths: readonly string[], inputSize: number, square?: Square): tf.Tensor4D {
  const pixels = paths.map(readPhoto);
  return preprocessBatch(pixels, inputSize, square && pixels.map(() => square));
}
