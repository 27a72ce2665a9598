import { deflateSync } from 'node:zlib';
import { decode, encode } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { checkImageBytes, ImageError, outputSide, sniffImageFormat } from './image';
import { lfwPhotos } from './test-support/archives';
import { createNodeCodec, cropResizeBilinear, type Rgba } from '../../tools/codec';

const [[, lfw]] = lfwPhotos('Aaron_Peirsol', 1) as [[string, Uint8Array<ArrayBuffer>]];

/** A valid 1×1 PNG, built here (signature, IHDR, IDAT, IEND; CRCs are not checked by the sniffer). */
function tinyPng(): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    new DataView(out.buffer).setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    return out;
  };
  const ihdr = new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const idat = new Uint8Array(deflateSync(new Uint8Array([0, 255, 0, 0])));
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array()),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

const errorOf = (f: () => unknown): ImageError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ImageError) return e;
    throw e;
  }
  throw new Error('expected an ImageError');
};

describe('image bytes', () => {
  it('sniffs formats from the first bytes, not the name', () => {
    expect(sniffImageFormat(lfw)).toBe('jpeg');
    expect(sniffImageFormat(tinyPng())).toBe('png');
    expect(sniffImageFormat(new TextEncoder().encode('GIF89a......'))).toBe('gif');
    expect(sniffImageFormat(new TextEncoder().encode('hello, world'))).toBeNull();
  });

  it('accepts whole JPEGs and PNGs and refuses truncated ones and non-images', () => {
    expect(checkImageBytes(lfw, 'a.jpg')).toBe('jpeg');
    expect(checkImageBytes(tinyPng(), 'a.png')).toBe('png');
    for (const cut of [lfw.length - 2, Math.floor(lfw.length * 0.6), 300, 4]) {
      const e = errorOf(() => checkImageBytes(lfw.slice(0, cut), 'cut.jpg'));
      expect(e.code).toBe('not-an-image');
      expect(e.message).toContain('"cut.jpg"');
    }
    expect(errorOf(() => checkImageBytes(tinyPng().slice(0, 40), 'cut.png')).message).toMatch(/truncated/);
    expect(errorOf(() => checkImageBytes(new TextEncoder().encode('notes'), 'notes.txt')).code).toBe('not-an-image');
    // Trailing bytes after the end-of-image marker are allowed (some cameras append data).
    const padded = new Uint8Array(lfw.length + 5);
    padded.set(lfw);
    expect(checkImageBytes(padded, 'padded.jpg')).toBe('jpeg');
  });
});

describe('crop and resize', () => {
  it('resizes bilinearly with half-pixel centres and copies at equal size', () => {
    // 4×4 grey ramp: value = 10 * (x + 4y); the 2×2 result averages each 2×2 block.
    const data = new Uint8Array(64);
    for (let i = 0; i < 16; i++) data.set([10 * i, 10 * i, 10 * i, 255], i * 4);
    const src: Rgba = { width: 4, height: 4, data };
    const half = cropResizeBilinear(src, { x: 0, y: 0, size: 4 }, 2);
    expect([0, 1, 2, 3].map((i) => half.data[i * 4])).toEqual([25, 45, 105, 125]);
    expect(cropResizeBilinear(src, { x: 1, y: 1, size: 2 }, 2).data[0]).toBe(50);
    expect(cropResizeBilinear(src, { x: 0, y: 0, size: 4 }, 4).data).toEqual(data);
    expect(outputSide({ x: 0, y: 0, size: 3000 })).toBe(250);
    expect(outputSide({ x: 0, y: 0, size: 120 }, 100)).toBe(100);
  });

  it('the Node codec keeps a 250×250 LFW photo whole and crops the centred square of others', async () => {
    const codec = createNodeCodec();
    const same = await codec.decodeCropEncode(lfw, 'lfw.jpg');
    expect([same.width, same.height, same.blob.type]).toEqual([250, 250, 'image/jpeg']);
    const a = decode(lfw, { useTArray: true });
    const b = decode(new Uint8Array(await same.blob.arrayBuffer()), { useTArray: true });
    const meanDiff = a.data.reduce((s, v, i) => s + Math.abs(v - b.data[i]!), 0) / a.data.length;
    expect(meanDiff).toBeLessThan(4); // only the JPEG re-encode differs

    // 400×300: red bands in the 50 columns on each side, blue in the centred 300×300 square.
    const wide = new Uint8Array(400 * 300 * 4);
    for (let i = 0; i < 400 * 300; i++) {
      const x = i % 400;
      wide.set(x < 50 || x >= 350 ? [255, 0, 0, 255] : [0, 0, 255, 255], i * 4);
    }
    const jpg = new Uint8Array(encode({ width: 400, height: 300, data: wide }, 95).data);
    const small = await createNodeCodec({ maxSize: 100 }).decodeCropEncode(jpg, 'wide.jpg');
    expect([small.width, small.height]).toEqual([100, 100]);
    const px = decode(new Uint8Array(await small.blob.arrayBuffer()), { useTArray: true }).data;
    let red = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i]! > 128) red++;
    expect(red).toBe(0);
  });

  it('the Node codec refuses non-images with a typed error', async () => {
    await expect(createNodeCodec().decodeCropEncode(new TextEncoder().encode('hello'), 'a.txt')).rejects.toMatchObject({
      code: 'not-an-image',
      file: 'a.txt',
    });
  });
});
