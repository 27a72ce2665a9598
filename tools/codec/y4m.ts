/**
 * YUV4MPEG2 (Y4M) clips for Chromium's fake camera (`--use-file-for-fake-video-capture`), written
 * frame by frame from RGBA or RGB pixels in Node: no ffmpeg needed.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

const clampByte = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/**
 * RGB(A) → BT.601 limited-range YUV (what Chromium assumes for I420 capture frames), 4:2:0 with each
 * chroma sample the mean of its 2×2 block (C420jpeg siting). `channels`: 4 for RGBA, 3 for RGB.
 */
export function rgbaToI420(rgba: ArrayLike<number>, width: number, height: number, channels: 3 | 4 = 4): Buffer {
  if (width % 2 || height % 2) throw new Error(`rgbaToI420: ${width}×${height} must be even for 4:2:0`);
  if (rgba.length !== width * height * channels)
    throw new Error(`rgbaToI420: ${rgba.length} values are not ${width}×${height}×${channels}`);
  const cw = width / 2;
  const ch = height / 2;
  const out = Buffer.alloc(width * height + 2 * cw * ch);
  const u0 = width * height;
  const v0 = u0 + cw * ch;
  for (let i = 0, p = 0; i < width * height; i++, p += channels) {
    out[i] = clampByte(16 + 0.256788 * rgba[p]! + 0.504129 * rgba[p + 1]! + 0.097906 * rgba[p + 2]!);
  }
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const p = ((2 * cy + dy) * width + 2 * cx + dx) * channels;
        r += rgba[p]!;
        g += rgba[p + 1]!;
        b += rgba[p + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      out[u0 + cy * cw + cx] = clampByte(128 - 0.148223 * r - 0.290993 * g + 0.439216 * b);
      out[v0 + cy * cw + cx] = clampByte(128 + 0.439216 * r - 0.367788 * g - 0.071427 * b);
    }
  }
  return out;
}

export interface Y4mWriter {
  /** Appends one frame (width×height RGBA or RGB), repeated `times` (converted once). */
  write(pixels: ArrayLike<number>, times?: number, channels?: 3 | 4): void;
  /** Frames written so far. */
  readonly frames: number;
  close(): void;
}

/** Opens a Y4M file (its folder is created) for frames of one size. */
export function openY4m(file: string, width: number, height: number, fps = 10): Y4mWriter {
  if (width % 2 || height % 2 || !(width > 0 && height > 0))
    throw new Error(`openY4m: ${width}×${height} must be positive and even for 4:2:0`);
  if (!(Number.isInteger(fps) && fps > 0)) throw new Error(`openY4m: fps ${fps} must be a positive integer`);
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const header = Buffer.from('FRAME\n');
  let frames = 0;
  let open = true;
  return {
    write(pixels, times = 1, channels = 4) {
      if (!open) throw new Error(`openY4m: ${file} is closed`);
      if (!(Number.isInteger(times) && times > 0)) throw new Error(`openY4m: times ${times} must be a positive integer`);
      const yuv = rgbaToI420(pixels, width, height, channels);
      for (let i = 0; i < times; i++) {
        writeSync(fd, header);
        writeSync(fd, yuv);
      }
      frames += times;
    },
    get frames() {
      return frames;
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
