/**
 * Single LFW photos read synchronously, and webcam-like frames composed from them: what the face
 * tests and scripts/measure-face-crop.mjs put in front of the detector.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { LFW_META_DIR } from './paths';

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

/** (name, image count) rows of an lfw-meta people file, e.g. 'people-dev-train.tsv'. */
export function readPeople(file: string): { name: string; images: number }[] {
  return readFileSync(join(LFW_META_DIR, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [name, images] = line.split('\t');
      return { name: name!, images: Number(images) };
    });
}

/** A width×height RGBA frame of one grey level with the given images pasted at their (x, y). */
export function composeFrame(
  width: number,
  height: number,
  grey: number,
  placed: readonly { image: RgbaImage; x: number; y: number }[],
): RgbaImage {
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
  return composeFrame(width, height, 128, [
    { image: photo, x: Math.round((width - photo.width) / 2), y: Math.round((height - photo.height) / 2) },
  ]);
}
