import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTar, TarError, type ReadTarOptions, type TarFile } from './tar';
import { chunkedStream, gzip, lfwPhotos, makeTar } from './test-support/archives';

async function readAll(stream: ReadableStream<Uint8Array>, options?: ReadTarOptions): Promise<{ files: TarFile[]; error?: unknown }> {
  const files: TarFile[] = [];
  try {
    for await (const f of readTar(stream, options)) files.push(f);
    return { files };
  } catch (error) {
    return { files, error };
  }
}

const photos = lfwPhotos('Aaron_Peirsol');
const text = new TextEncoder().encode('not an image\n');

describe('readTar', () => {
  it('streams the members of a tar and of a .tgz, in order, byte for byte', async () => {
    const longPath = `lfw/${'p'.repeat(140)}/notes.txt`; // needs the ustar prefix field
    const tar = await makeTar([...photos, [longPath, text]]);
    for (const bytes of [tar, gzip(tar)]) {
      const seen: number[] = [];
      const { files, error } = await readAll(chunkedStream(bytes, 777), { onBytes: (n) => seen.push(n) });
      expect(error).toBeUndefined();
      expect(files.map((f) => f.path)).toEqual([...photos.map(([p]) => p), longPath]);
      files.slice(0, photos.length).forEach((f, i) => expect(f.data).toEqual(photos[i]![1]));
      expect(seen.at(-1)).toBe(bytes.length);
    }
  });

  it('skips members refused by accept without yielding them', async () => {
    const tar = await makeTar(photos);
    const { files } = await readAll(chunkedStream(tar), { accept: (p) => !p.endsWith('0002.jpg') });
    expect(files.map((f) => f.path)).toEqual(photos.map(([p]) => p).filter((p) => !p.endsWith('0002.jpg')));
  });

  it('yields the good members of a truncated archive, then a truncated-archive error', async () => {
    const tar = await makeTar(photos);
    // Cut inside the third member's data: header 512 + data, each member padded to 512.
    const offsets = photos.map(([, b]) => 512 + Math.ceil(b.length / 512) * 512);
    const cut = offsets[0]! + offsets[1]! + 512 + 100;
    for (const [bytes, chunk] of [
      [tar.slice(0, cut), 1000],
      [tar.slice(0, cut), 65536],
      [gzip(tar.slice(0, cut)), 7],
      [gzip(tar.slice(0, cut)), 65536],
    ] as const) {
      const { files, error } = await readAll(chunkedStream(bytes, chunk), { name: 'cut.tar' });
      expect(files.map((f) => f.path)).toEqual(photos.slice(0, 2).map(([p]) => p));
      expect(error).toBeInstanceOf(TarError);
      expect((error as TarError).code).toBe('truncated-archive');
      expect((error as TarError).lastGood).toBe(photos[1]![0]);
      expect((error as TarError).message).toContain('cut.tar');
    }
  });

  it('reports a damaged header after the members before it', async () => {
    const tar = await makeTar(photos);
    const third = 512 + Math.ceil(photos[0]![1].length / 512) * 512 + 512 + Math.ceil(photos[1]![1].length / 512) * 512;
    tar[third + 10] = tar[third + 10]! ^ 0x55; // inside the name field: the checksum no longer matches
    const { files, error } = await readAll(chunkedStream(tar));
    expect(files).toHaveLength(2);
    expect(error).toBeInstanceOf(TarError);
    expect((error as TarError).code).toBe('corrupt-archive');
  });

  it('says so when the stream is not a tar at all, or not valid gzip', async () => {
    const notTar = await readAll(chunkedStream(photos[0]![1]), { name: 'photo.tar' });
    expect(notTar.files).toHaveLength(0);
    expect((notTar.error as TarError).code).toBe('corrupt-archive');
    expect((notTar.error as TarError).message).toMatch(/"photo.tar" is not a tar archive/);

    const badGzip = gzip(await makeTar(photos));
    badGzip.fill(0x42, 40, 400);
    const r = await readAll(chunkedStream(badGzip), { name: 'bad.tgz' });
    expect(r.error).toBeInstanceOf(TarError);
    expect((r.error as TarError).code).toBe('corrupt-gzip');
  });

  it('cancels the source when the reader stops early', async () => {
    const tar = await makeTar(photos);
    let cancelled = false;
    const inner = chunkedStream(tar, 512).getReader();
    const source = new ReadableStream<Uint8Array>({
      pull: async (c) => {
        const r = await inner.read();
        if (r.done) c.close();
        else c.enqueue(r.value);
      },
      cancel: () => {
        cancelled = true;
      },
    });
    for await (const f of readTar(source)) {
      expect(f.path).toBe(photos[0]![0]);
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
    expect(cancelled).toBe(true);
  });

  it('reads archives written by GNU tar (gnu and pax formats, long names, folders)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tar-test-'));
    const long = `${'deep_folder_name_'.repeat(5)}/${'x'.repeat(120)}`;
    mkdirSync(path.join(dir, 'faces', long), { recursive: true });
    const names = [`faces/${long}/a.jpg`, 'faces/b.jpg'];
    names.forEach((n, i) => writeFileSync(path.join(dir, n), photos[i]![1]));
    for (const format of ['gnu', 'pax']) {
      const out = path.join(dir, `faces-${format}.tgz`);
      execFileSync('tar', ['-czf', out, `--format=${format}`, '-C', dir, 'faces']);
      const { files, error } = await readAll(chunkedStream(new Uint8Array(readFileSync(out)), 4096));
      expect(error).toBeUndefined();
      expect(files.map((f) => f.path).sort()).toEqual([...names].sort());
      expect(files.find((f) => f.path === names[0])!.data).toEqual(photos[0]![1]);
    }
    rmSync(dir, { recursive: true });
  });
});
