import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openY4m, rgbaToI420 } from './index';

const dir = mkdtempSync(path.join(tmpdir(), 'y4m-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rgbaToI420', () => {
  it('maps grey, white and black to BT.601 limited range and averages chroma over 2×2 blocks', () => {
    const rgba = (r: number, g: number, b: number) => new Uint8Array(4 * 4 * 4).map((_, i) => [r, g, b, 255][i % 4]!);
    expect([...rgbaToI420(rgba(128, 128, 128), 4, 4)]).toEqual([...Array(16).fill(126), ...Array(8).fill(128)]);
    expect(rgbaToI420(rgba(255, 255, 255), 4, 4)[0]).toBe(235);
    expect(rgbaToI420(rgba(0, 0, 0), 4, 4)[0]).toBe(16);
    const red = rgbaToI420(rgba(255, 0, 0), 4, 4);
    expect(red[16]).toBe(90); // U
    expect(red[20]).toBe(240); // V
  });

  it('takes RGB as well as RGBA, and refuses odd sizes and wrong lengths', () => {
    const rgb = new Uint8Array(4 * 2 * 3).map((_, i) => (i * 37) % 256);
    const rgba = new Uint8Array(4 * 2 * 4);
    for (let p = 0; p < 8; p++) rgba.set([rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!, 255], p * 4);
    expect(rgbaToI420(rgb, 4, 2, 3)).toEqual(rgbaToI420(rgba, 4, 2));
    expect(() => rgbaToI420(new Uint8Array(3 * 2 * 4), 3, 2)).toThrow(/even/);
    expect(() => rgbaToI420(new Uint8Array(10), 4, 2)).toThrow(/values/);
  });
});

describe('openY4m', () => {
  it('writes the header and repeated frames', () => {
    const file = path.join(dir, 'sub', 'a.y4m');
    const w = openY4m(file, 4, 2, 15);
    w.write(new Uint8Array(4 * 2 * 4).fill(128), 3);
    w.write(new Uint8Array(4 * 2 * 3).fill(0), 1, 3);
    expect(w.frames).toBe(4);
    w.close();
    w.close();
    expect(() => w.write(new Uint8Array(32))).toThrow(/closed/);
    const bytes = readFileSync(file);
    const header = 'YUV4MPEG2 W4 H2 F15:1 Ip A1:1 C420jpeg\n';
    expect(bytes.subarray(0, header.length).toString()).toBe(header);
    const frame = 6 + 4 * 2 * 1.5;
    expect(bytes.length).toBe(header.length + 4 * frame);
    expect(bytes.subarray(header.length + 3 * frame, header.length + 3 * frame + 6).toString()).toBe('FRAME\n');
    expect(bytes[header.length + 3 * frame + 6]).toBe(16);
  });

  it('refuses odd sizes, bad frame rates and repeat counts', () => {
    expect(() => openY4m(path.join(dir, 'b.y4m'), 3, 2)).toThrow(/even/);
    expect(() => openY4m(path.join(dir, 'c.y4m'), 4, 2, 0)).toThrow(/fps/);
    const w = openY4m(path.join(dir, 'd.y4m'), 4, 2);
    expect(() => w.write(new Uint8Array(32), 0)).toThrow(/times/);
    w.close();
  });
});
