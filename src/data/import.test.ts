import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { createStore, keys } from 'idb-keyval';
import { decode } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { filesFromEntries, importImages, type FileWithPath, type ImportProgress } from './import';
import { createSampleStore } from './samples';
import { gzip, lfwPhotos, makeTar } from './test-support/archives';
import { fullAfter } from './test-support/full-store';
import { createNodeCodec, createNodeSquareCodec, cropResizeBilinear, decodeJpeg, type Rgba } from '../../tools/codec';
import type { Square } from './crop';
import { locatingCodec } from './locate-codec';

let dbCount = 0;
const freshIdb = () => createStore(`test-import-${++dbCount}`, 'samples');
const codec = createNodeCodec();

const aaron = lfwPhotos('Aaron_Peirsol'); // 4 photos
const abdullah = lfwPhotos('Abdullah_Gul', 3);
const truncated = ['lfw/Broken/Broken_0001.jpg', aaron[0]![1].slice(0, 3000)] as const;
const notes = ['lfw/README.txt', new TextEncoder().encode('LFW, deep-funneled\n')] as const;
const withPath = ([path, bytes]: readonly [string, Uint8Array<ArrayBuffer>]): FileWithPath => ({
  file: new File([bytes], path.split('/').pop()!),
  path,
});

describe('importImages', () => {
  it('imports a .tgz as a stream: images stored, a truncated JPEG and a .txt skipped and counted', async () => {
    const tgz = gzip(await makeTar([...aaron, truncated, notes, ...abdullah]));
    const samples = createSampleStore(freshIdb());
    const progress: ImportProgress[] = [];
    const summary = await importImages([new File([tgz], 'faces.tgz')], {
      kind: 'negative',
      codec,
      samples,
      onProgress: (p) => progress.push(p),
    });

    expect(summary.imported).toBe(7);
    expect(summary.cancelled).toBe(false);
    expect(summary.error).toBeUndefined();
    expect(summary.skipped.map((s) => [s.name, s.reason])).toEqual([
      ['faces.tgz/lfw/Broken/Broken_0001.jpg', 'not-an-image'],
      ['faces.tgz/lfw/README.txt', 'not-an-image'],
    ]);

    const records = await samples.listSamples('negative');
    expect(records).toHaveLength(7);
    expect(new Set(records.map((r) => r.label))).toEqual(new Set(['Aaron_Peirsol', 'Abdullah_Gul']));
    for (const r of records) expect(r).toMatchObject({ source: 'import', width: 250, height: 250, type: 'image/jpeg' });
    const blob = await samples.getSampleBlob(records[0]!.id);
    expect(decode(new Uint8Array(await blob!.arrayBuffer()), { useTArray: true }).width).toBe(250);

    const last = progress.at(-1)!;
    expect(last).toMatchObject({ imported: 7, skipped: 2, bytesRead: tgz.length, bytesTotal: tgz.length });
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.bytesRead).toBeGreaterThanOrEqual(progress[i - 1]!.bytesRead);
  });

  it('imports loose files and a plain tar together, into any kind, with an explicit label', async () => {
    const tar = await makeTar(abdullah);
    const samples = createSampleStore(freshIdb());
    const input = [...aaron.slice(0, 2).map(withPath), withPath(notes), new File([tar], 'more.tar')];
    const summary = await importImages(input, { kind: 'anchor', codec, samples, label: 'me' });
    expect(summary.imported).toBe(5);
    expect(summary.skipped.map((s) => s.reason)).toEqual(['not-an-image']);
    const anchors = await samples.listSamples('anchor');
    expect(anchors.map((r) => r.label)).toEqual(Array(5).fill('me'));
    expect(await samples.countByKind()).toEqual({ anchor: 5, positive: 0, negative: 0, verification: 0 });
  });

  it('keeps the members before a damaged archive and reports the archive', async () => {
    const tar = await makeTar(aaron);
    const cut = tar.slice(0, tar.length - 4000); // inside the last photo
    const samples = createSampleStore(freshIdb());
    const summary = await importImages([new File([gzip(cut)], 'cut.tgz'), withPath(abdullah[0]!)], { kind: 'negative', codec, samples });
    expect(summary.imported).toBe(aaron.length - 1 + 1); // all but the cut photo, plus the loose file
    expect(summary.skipped).toEqual([expect.objectContaining({ name: 'cut.tgz', reason: 'truncated-archive' })]);
  });

  it('skips files over the size limit unread', async () => {
    const samples = createSampleStore(freshIdb());
    const summary = await importImages(aaron.map(withPath), { kind: 'positive', codec, samples, maxFileBytes: 9000 });
    const big = aaron.filter(([, b]) => b.length > 9000).map(([p]) => p);
    expect(big.length).toBeGreaterThan(0);
    expect(summary.skipped.map((s) => [s.name, s.reason])).toEqual(big.map((p) => [p, 'too-large']));
    expect(summary.imported).toBe(aaron.length - big.length);
  });

  it('stops on cancel and keeps what was imported', async () => {
    const samples = createSampleStore(freshIdb());
    const stop = new AbortController();
    const tgz = gzip(await makeTar([...aaron, ...abdullah]));
    const summary = await importImages([new File([tgz], 'faces.tgz')], {
      kind: 'verification',
      codec,
      samples,
      signal: stop.signal,
      onProgress: (p) => p.imported === 2 && stop.abort(),
    });
    expect(summary).toMatchObject({ imported: 2, cancelled: true });
    expect((await samples.listSamples('verification')).length).toBe(2);
  });

  it('stops at a full disk, naming the sample that did not fit, and keeps the earlier ones', async () => {
    const idb = freshIdb();
    const samples = createSampleStore(fullAfter(idb, 2));
    const summary = await importImages(aaron.map(withPath), { kind: 'positive', codec, samples });
    expect(summary.imported).toBe(2);
    expect(summary.error).toMatchObject({ code: 'storage-full', sample: { name: aaron[2]![0], kind: 'positive' } });
    const kept = await createSampleStore(idb).listSamples('positive');
    expect(kept.map((r) => r.name)).toEqual(aaron.slice(0, 2).map(([p]) => p));
    expect((await keys(idb)).length).toBe(4);
  });
});

describe('importImages in face crop mode (an injected locate function)', () => {
  /** Stands in for the face detector: a fixed square per photo, none for the ones listed. */
  function fakeLocate(squares: Map<string, Square | null>) {
    const seen: string[] = [];
    const locate = async (image: Rgba) => {
      // The photos are told apart by their pixels.
      const key = pixelKey(image);
      seen.push(key);
      return squares.has(key) ? squares.get(key)! : { x: 0, y: 0, size: image.width };
    };
    return { locate, seen };
  }
  const pixelKey = (image: Rgba) => createHash('sha1').update(image.data).digest('hex');
  const keyOf = (bytes: Uint8Array) => pixelKey(decodeJpeg(bytes, 'x'));

  it('crops the square it finds, skips and counts images with no face, and still names broken files', async () => {
    const square = { x: 40, y: 30, size: 150 };
    const { locate, seen } = fakeLocate(
      new Map<string, Square | null>([
        [keyOf(aaron[0]![1]), square],
        [keyOf(aaron[1]![1]), null],
        [keyOf(abdullah[2]![1]), null],
      ]),
    );
    const faceCodec = locatingCodec(createNodeSquareCodec(), locate);
    const tgz = gzip(await makeTar([...aaron, truncated, notes, ...abdullah]));
    const samples = createSampleStore(freshIdb());
    const progress: ImportProgress[] = [];
    const summary = await importImages([new File([tgz], 'faces.tgz')], {
      kind: 'negative',
      codec: faceCodec,
      samples,
      onProgress: (p) => progress.push(p),
    });

    expect(summary.imported).toBe(5);
    expect(summary.skipped.map((s) => [s.name, s.reason])).toEqual([
      [`faces.tgz/${aaron[1]![0]}`, 'no-face'],
      ['faces.tgz/lfw/Broken/Broken_0001.jpg', 'not-an-image'],
      ['faces.tgz/lfw/README.txt', 'not-an-image'],
      [`faces.tgz/${abdullah[2]![0]}`, 'no-face'],
    ]);
    expect(summary.skipped[0]!.detail).toContain('no face');
    expect(seen).toHaveLength(7); // every decodable photo was located; the broken files never got there
    expect(progress.at(-1)).toMatchObject({ imported: 5, skipped: 4 });

    // The located square is what was stored: 150×150, the same pixels as cropping it directly.
    const records = await samples.listSamples('negative');
    const cropped = records.find((r) => r.name === `faces.tgz/${aaron[0]![0]}`)!;
    expect(cropped).toMatchObject({ width: 150, height: 150, source: 'import' });
    const stored = decode(new Uint8Array(await (await samples.getSampleBlob(cropped.id))!.arrayBuffer()), {
      useTArray: true,
      formatAsRGBA: true,
    });
    const expected = cropResizeBilinear(decodeJpeg(aaron[0]![1], 'a'), square, 150);
    let diff = 0;
    for (let i = 0; i < expected.data.length; i++) diff += Math.abs(stored.data[i]! - expected.data[i]!);
    expect(diff / expected.data.length).toBeLessThan(3); // JPEG loss only
    const whole = cropResizeBilinear(decodeJpeg(aaron[0]![1], 'a'), { x: 0, y: 0, size: 250 }, 150);
    let diffWhole = 0;
    for (let i = 0; i < whole.data.length; i++) diffWhole += Math.abs(stored.data[i]! - whole.data[i]!);
    expect(diffWhole / whole.data.length).toBeGreaterThan(10); // not the fixed rule's crop
    expect(records.filter((r) => r.name !== cropped.name).every((r) => r.width === 250)).toBe(true);
  });

  it('imports nothing, and says so, when no image has a face; the user’s kinds work the same', async () => {
    const samples = createSampleStore(freshIdb());
    const faceCodec = locatingCodec(createNodeSquareCodec(), async () => null);
    const summary = await importImages(aaron.map(withPath), { kind: 'anchor', codec: faceCodec, samples });
    expect(summary).toMatchObject({ imported: 0, cancelled: false });
    expect(summary.skipped.map((s) => s.reason)).toEqual(Array(aaron.length).fill('no-face'));
    expect(await samples.countByKind()).toEqual({ anchor: 0, positive: 0, negative: 0, verification: 0 });
  });

  it('lets a failing locate function stop the import, keeping what was stored', async () => {
    const samples = createSampleStore(freshIdb());
    let calls = 0;
    const faceCodec = locatingCodec(createNodeSquareCodec(), async (image: Rgba) => {
      if (++calls === 3) throw new Error('detector lost');
      return { x: 0, y: 0, size: image.width };
    });
    await expect(importImages(aaron.map(withPath), { kind: 'positive', codec: faceCodec, samples })).rejects.toThrow('detector lost');
    expect((await samples.listSamples('positive')).length).toBe(2);
  });
});

describe('filesFromEntries', () => {
  /** Minimal FileSystemEntry fakes: a directory lists its children in batches of 2, as Chrome does in 100s. */
  type Node = { name: string; children?: Node[]; bytes?: Uint8Array<ArrayBuffer> };
  function entry(node: Node, parent: string): FileSystemEntry {
    const fullPath = `${parent}/${node.name}`;
    if (node.children) {
      const kids = node.children;
      return {
        isFile: false,
        isDirectory: true,
        name: node.name,
        fullPath,
        createReader: () => {
          let at = 0;
          return {
            readEntries: (ok: (e: FileSystemEntry[]) => void) =>
              setTimeout(() => ok(kids.slice(at, (at += 2)).map((k) => entry(k, fullPath)))),
          };
        },
      } as unknown as FileSystemEntry;
    }
    return {
      isFile: true,
      isDirectory: false,
      name: node.name,
      fullPath,
      file: (ok: (f: File) => void) => setTimeout(() => ok(new File([node.bytes!], node.name))),
    } as unknown as FileSystemEntry;
  }

  it('walks dropped folders recursively (every readEntries batch) and sorts by path', async () => {
    const tree: Node = {
      name: 'faces',
      children: [
        { name: 'b.jpg', bytes: aaron[1]![1] },
        { name: 'Aaron', children: aaron.map(([p, bytes]) => ({ name: p.split('/').pop()!, bytes })) },
        { name: 'a.jpg', bytes: aaron[0]![1] },
        { name: 'empty', children: [] },
      ],
    };
    const files = await filesFromEntries([entry(tree, ''), entry({ name: 'loose.jpg', bytes: aaron[2]![1] }, '')]);
    expect(files.map((f) => f.path)).toEqual([
      ...aaron.map(([p]) => `faces/Aaron/${p.split('/').pop()}`),
      'faces/a.jpg',
      'faces/b.jpg',
      'loose.jpg',
    ]);
    const summary = await importImages(files, { kind: 'positive', codec, samples: createSampleStore(freshIdb()) });
    expect(summary.imported).toBe(7);
  });
});
