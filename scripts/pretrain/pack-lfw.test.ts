import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const shared = path.resolve(root, '..', 'shared', 'data');
const run = promisify(execFile);

interface PackIndex {
  size: number;
  crop: 'face' | 'photo';
  noFace: string[];
  people: string[];
  images: { path: string; person: number; offset: number; length: number; square: { x: number; y: number; size: number } | null }[];
}

describe.skipIf(!existsSync(path.join(shared, 'lfw')))('pack-lfw.mjs (reads ../shared/data)', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  const pack = async (crop: string) => {
    const out = await mkdtemp(path.join(os.tmpdir(), `pack-${crop}-`));
    dirs.push(out);
    await run(
      process.execPath,
      [path.join(root, 'scripts/pretrain/pack-lfw.mjs'), '--limit', '6', '--size', '64', '--crop', crop, '--out', out],
      { cwd: root },
    );
    const index = JSON.parse(await readFile(path.join(out, 'train.json'), 'utf8')) as PackIndex;
    const blob = await readFile(path.join(out, 'train.bin'));
    const pixels = index.images.map((im) => jpeg.decode(blob.subarray(im.offset, im.offset + im.length), { useTArray: true }));
    return { index, pixels };
  };

  it("packs the app's face crop by default (--crop face) and the whole photo with --crop photo, same photos, recorded in the index", async () => {
    const face = await pack('face');
    const photo = await pack('photo');
    expect(face.index.crop).toBe('face');
    expect(photo.index.crop).toBe('photo');
    expect(face.index.images.map((i) => i.path)).toEqual(photo.index.images.map((i) => i.path));
    expect(face.index.images).toHaveLength(6);
    expect(photo.index.images.every((i) => i.square === null)).toBe(true);
    for (const [k, im] of face.index.images.entries()) {
      const sq = im.square;
      expect(face.pixels[k]).toMatchObject({ width: 64, height: 64 });
      if (sq === null) {
        expect(face.index.noFace).toContain(im.path);
        continue;
      }
      expect(sq.x >= 0 && sq.y >= 0 && sq.x + sq.size <= 250 && sq.y + sq.size <= 250).toBe(true);
      // A square smaller than the photo gives another image than the whole photo.
      const a = face.pixels[k]!.data;
      const b = photo.pixels[k]!.data;
      let diff = 0;
      for (let i = 0; i < a.length; i++) diff += Math.abs(a[i]! - b[i]!);
      const mean = diff / a.length;
      if (sq.size < 240) expect(mean).toBeGreaterThan(3);
      if (sq.size === 250) expect(mean).toBeLessThan(1.5); // the same pixels, up to JPEG
    }
    expect(face.index.images.some((i) => i.square !== null && i.square.size < 240)).toBe(true);
    await expect(
      run(process.execPath, [path.join(root, 'scripts/pretrain/pack-lfw.mjs'), '--crop', 'fixed', '--limit', '1', '--out', dirs[0]!], {
        cwd: root,
      }),
    ).rejects.toThrow(/--crop fixed/);
  }, 120_000);
});
