import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../common/node-backend';
import { accuracyAt } from '../common';
import {
  byClass,
  checkHead,
  disposeNetwork,
  HEAD_TOLERANCE,
  loadPairsNetwork,
  personOf,
  readPairsFile,
  runPairs,
  scorePairs,
  selectPairs,
  summarizeScored,
  type PairRow,
} from './pairs';

const root = path.resolve(import.meta.dirname, '..', '..');
const shared = path.resolve(root, '..', 'shared', 'data');
const MODEL = path.join(root, 'public', 'models', 'pretrained');
const haveData = existsSync(path.join(shared, 'lfw')) && existsSync(path.join(MODEL, 'model.json'));

const row = (a: string, b: string, same: boolean): PairRow => ({ left: `${a}/${a}_0001.jpg`, right: `${b}/${b}_0002.jpg`, same });
const ROWS: PairRow[] = [
  row('Ann', 'Ann', true),
  row('Ann', 'Bob', false),
  row('Bob', 'Bob', true),
  row('Cy', 'Dee', false),
  row('Cy', 'Cy', true),
  row('Dee', 'Bob', false),
  row('Eve', 'Eve', true),
  row('Eve', 'Cy', false),
];

describe('readPairsFile', () => {
  it('reads left, right and same; refuses a wrong header or a bad line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pairs-'));
    const good = path.join(dir, 'good.tsv');
    await writeFile(good, 'left\tright\tsame\nA/A_1.jpg\tA/A_2.jpg\t1\nA/A_1.jpg\tB/B_1.jpg\t0\n');
    expect(await readPairsFile(good)).toEqual([
      { left: 'A/A_1.jpg', right: 'A/A_2.jpg', same: true },
      { left: 'A/A_1.jpg', right: 'B/B_1.jpg', same: false },
    ]);
    const header = path.join(dir, 'header.tsv');
    await writeFile(header, 'a\tb\tc\n');
    await expect(readPairsFile(header)).rejects.toThrow(/expected the header/);
    const bad = path.join(dir, 'bad.tsv');
    await writeFile(bad, 'left\tright\tsame\nA/A_1.jpg\tA/A_2.jpg\tyes\n');
    await expect(readPairsFile(bad)).rejects.toThrow(/line 2/);
  });
});

describe('selectPairs', () => {
  it('keeps everything in file order without a limit, and drops pairs showing an excluded person', () => {
    expect(selectPairs(ROWS, { limit: 0, seed: 1 })).toEqual(ROWS);
    const kept = selectPairs(ROWS, { limit: 0, seed: 1, excludePeople: ['Bob', 'Eve'] });
    expect(kept.map((r) => `${personOf(r.left)}-${personOf(r.right)}`)).toEqual(['Ann-Ann', 'Cy-Dee', 'Cy-Cy']);
  });
  it('subsamples by class (same-person half rounded up), in file order, repeatably per seed and salt', () => {
    const a = selectPairs(ROWS, { limit: 5, seed: 7 });
    expect(a).toHaveLength(5);
    expect(a.filter((r) => r.same)).toHaveLength(3);
    const order = a.map((r) => ROWS.indexOf(r));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(selectPairs(ROWS, { limit: 5, seed: 7 })).toEqual(a);
    const draws = new Set([1, 2, 3, 4, 5, 6].map((salt) => JSON.stringify(selectPairs(ROWS, { limit: 4, seed: 7, salt }))));
    expect(draws.size).toBeGreaterThan(1);
  });
  it('fills the limit from the other class when one runs short', () => {
    const mostlySame = [...ROWS.filter((r) => r.same), ROWS[1]!];
    expect(selectPairs(mostlySame, { limit: 4, seed: 2 }).filter((r) => !r.same)).toHaveLength(1);
  });
  it('refuses a negative or fractional limit', () => {
    expect(() => selectPairs(ROWS, { limit: -1, seed: 1 })).toThrow(/limit -1/);
    expect(() => selectPairs(ROWS, { limit: 1.5, seed: 1 })).toThrow(/limit 1.5/);
  });
});

describe.skipIf(!haveData)('pair scoring with the pretrained model (reads ../shared/data)', () => {
  const lfw = path.join(shared, 'lfw');
  beforeAll(useWasmBackend);

  it('scores with the head on cached embeddings: identical photos give sigmoid(bias) and pixel distance 0', async () => {
    const rows: PairRow[] = [
      { left: 'Abdullah_Gul/Abdullah_Gul_0013.jpg', right: 'Abdullah_Gul/Abdullah_Gul_0014.jpg', same: true },
      { left: 'Abdullah_Gul/Abdullah_Gul_0013.jpg', right: 'Aaron_Tippin/Aaron_Tippin_0001.jpg', same: false },
      { left: 'Aaron_Tippin/Aaron_Tippin_0001.jpg', right: 'Aaron_Tippin/Aaron_Tippin_0001.jpg', same: true },
    ];
    const before = tf.memory().numTensors;
    const net = await loadPairsNetwork(MODEL);
    const scored = await scorePairs(net, lfw, rows, { batchSize: 2 });
    const head = await checkHead(net, lfw, scored, 3);
    const bias = net.classifier.getWeights()[1]!.dataSync()[0]!;
    disposeNetwork(net);
    expect(tf.memory().numTensors).toBe(before);

    expect(scored.embeddings.size).toBe(3);
    expect(head).toEqual({ pairs: 3, maxAbsDiff: expect.any(Number) });
    expect(head.maxAbsDiff).toBeLessThanOrEqual(HEAD_TOLERANCE);
    scored.logits.forEach((z, i) => expect(scored.scores[i]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6));
    expect(scored.logits[2]).toBeCloseTo(bias, 5);
    expect(scored.pixels[2]).toBeCloseTo(0, 12);
    expect(scored.pixels[0]).toBeLessThan(0);
    // the same person scores above a different person from the same left photo
    expect(scored.scores[0]).toBeGreaterThan(scored.scores[1]!);
    const summary = summarizeScored(scored, scored, head);
    const { genuine, impostor } = byClass(rows, scored.scores);
    expect(summary.model.devTestAccuracyAt05).toBe(accuracyAt(genuine, impostor, 0.5));
  });

  it('runPairs on a few pairs of each file returns consistent fields and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const r = await runPairs({
      data: lfw,
      meta: path.join(shared, 'lfw-meta'),
      modelUrlOrDir: MODEL,
      limit: 6,
      seed: 3,
      excludePeople: ['Abdullah_Gul'],
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.backend).toBe('wasm');
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.limit).toBe(6);
    for (const f of [r.files.devTrain, r.files.devTest]) {
      expect(f).toMatchObject({ pairs: 6, same: 3, different: 3 });
      expect(f.photos).toBeGreaterThan(3);
      expect(f.photos).toBeLessThanOrEqual(12);
    }
    expect(r.files.devTrain.file).toBe('pairs-dev-train.tsv');
    expect(r.files.devTest.excluded).toBe(3); // Abdullah_Gul's dev-test pairs
    expect(r.files.devTrain.excluded).toBe(0);
    expect(r.model.headCheck.pairs).toBe(4);
    expect(r.model.headCheck.maxAbsDiff).toBeLessThanOrEqual(HEAD_TOLERANCE);
    for (const s of [r.model, r.pixels]) {
      for (const acc of [s.devTestAuc, s.devTrainAccuracy, s.devTestAccuracy, s.devTestTenFold.accuracy]) {
        expect(acc).toBeGreaterThanOrEqual(0);
        expect(acc).toBeLessThanOrEqual(1);
      }
      // accuracies on 6 pairs are multiples of 1/6
      expect(Math.round(s.devTestAccuracy * 6)).toBeCloseTo(s.devTestAccuracy * 6, 9);
      expect(s.devTestTenFold.minThreshold).toBeLessThanOrEqual(s.devTestTenFold.maxThreshold);
    }
    expect(r.model.devTestMeanSame).toBeGreaterThan(r.model.devTestMeanDifferent);
    expect(r.model.devTrainAccuracy).toBeGreaterThanOrEqual(r.model.devTrainAccuracyAt05);
    expect(r.pixels.devTestMeanSame).toBeLessThan(0);
    // The app's face crop by default: every photo of both files through the detector.
    expect(r.crop).toMatchObject({ mode: 'face', photos: r.files.devTrain.photos + r.files.devTest.photos });
    expect(r.crop.noFace).toBeLessThanOrEqual(r.crop.photos);
  });

  it("runPairs with crop 'photo' uses the whole photos (no detector) and scores the same pairs", async () => {
    const before = tf.memory().numTensors;
    const options = { data: lfw, meta: path.join(shared, 'lfw-meta'), modelUrlOrDir: MODEL, limit: 4, seed: 5 };
    const [face, photo] = [await runPairs(options), await runPairs({ ...options, crop: 'photo' })];
    expect(tf.memory().numTensors).toBe(before);
    expect(photo.crop).toEqual({ mode: 'photo', photos: face.crop.photos, noFace: 0, clamped: 0 });
    expect(photo.files).toEqual(face.files);
    expect(photo.pixels.devTestMeanSame).not.toBe(face.pixels.devTestMeanSame);
  });
});
