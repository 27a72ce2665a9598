/**
 * Node-only helpers for the face tests and scripts/measure-face-crop.mjs: read a tfjs model and
 * LFW JPEGs from disk, compose webcam-like frames. Not exported from index.ts (not in the app).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import type { FaceDetectorVariant } from '../config';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared data folder next to the project (`../shared`). */
export const SHARED_DIR = resolve(REPO_ROOT, '../shared');
export const LFW_DIR = join(SHARED_DIR, 'data/lfw');

/** The app's own copy of a detector's model.json (public/models/face-detector). */
export function faceModelPath(variant: FaceDetectorVariant): string {
  return join(REPO_ROOT, `public/models/face-detector/facemesh-detection-${variant}.json`);
}

/** An IOHandler reading a tfjs model.json and its weight files from disk. */
export function fileModelHandler(modelJsonPath: string): tf.io.IOHandler {
  const dir = dirname(modelJsonPath);
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = manifest.flatMap((group) =>
          group.paths.map((p) => {
            const b = readFileSync(join(dir, p));
            return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
          }),
        );
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/** RGBA pixels, as ImageData holds them. */
export interface RgbaImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export function readJpeg(path: string): RgbaImage {
  const img = jpeg.decode(readFileSync(path), { useTArray: true, formatAsRGBA: true });
  return { data: img.data, width: img.width, height: img.height };
}

/** `lfw/<Person>/<Person>_NNNN.jpg` */
export function lfwPath(person: string, index: number): string {
  return join(LFW_DIR, person, `${person}_${String(index).padStart(4, '0')}.jpg`);
}

/** (name, image count) rows of an lfw-meta people file, e.g. 'people-dev-train.tsv'. */
export function readPeople(file: string): { name: string; images: number }[] {
  return readFileSync(join(SHARED_DIR, 'data/lfw-meta', file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [name, images] = line.split('\t');
      return { name: name!, images: Number(images) };
    });
}

/** A width×height RGBA frame of one grey level with the given images pasted at their (x, y). */
export function composeFrame(width: number, height: number, grey: number, placed: readonly { image: RgbaImage; x: number; y: number }[]): RgbaImage {
  const data = new Uint8Array(width * height * 4).fill(grey);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  for (const { image, x, y } of placed) {
    for (let r = 0; r < image.height; r++) {
      const ty = y + r;
      if (ty < 0 || ty >= height) continue;
      for (let c = 0; c < image.width; c++) {
        const tx = x + c;
        if (tx < 0 || tx >= width) continue;
        data.set(image.data.subarray((r * image.width + c) * 4, (r * image.width + c) * 4 + 4), (ty * width + tx) * 4);
      }
    }
  }
  return { data, width, height };
}

/** An RGBA image resized to size×size (bilinear). */
export function resizeRgba(image: RgbaImage, size: number): RgbaImage {
  const data = tf.tidy(() => {
    const t = tf.tensor3d(image.data, [image.height, image.width, 4], 'int32');
    return tf.round(tf.image.resizeBilinear(t, [size, size], false, true)).dataSync();
  });
  return { data: Uint8Array.from(data), width: size, height: size };
}

/** A webcam-like 640×480 frame: the photo in the middle of a neutral grey background. */
export function webcamFrame(photo: RgbaImage, width = 640, height = 480): RgbaImage {
  return composeFrame(width, height, 128, [{ image: photo, x: Math.round((width - photo.width) / 2), y: Math.round((height - photo.height) / 2) }]);
}
