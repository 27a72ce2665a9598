import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/data';
import { disposeHead, HEAD_LAYER_NAMES } from '../../src/facerec';
import { useWasmBackend } from '../common/node-backend';
import { rocAuc } from '../common';
import { HEAD_TOLERANCE, LFW_DIR, LFW_META_DIR, type PairRow } from '../lfw';
import { createChipFunction, type ChipFunction } from './chips';
import { BACKBONE_DISK_DIR, loadBackboneFromDisk, loadHeadFromDisk } from './model-files';
import {
  checkFaceRecHead,
  describePhotos,
  euclidean,
  runFaceRecPairs,
  scoreDescribedPairs,
  summarizeFaceRec,
  type FaceRecScored,
} from './pairs';

const haveData = existsSync(LFW_DIR) && existsSync(path.join(LFW_META_DIR, 'pairs-dev-test.tsv'));

describe('euclidean', () => {
  it('is the L2 distance and refuses descriptors of different sizes', () => {
    expect(euclidean(Float32Array.of(0, 3), Float32Array.of(4, 0))).toBe(5);
    expect(euclidean(Float32Array.of(1, 2, 3), Float32Array.of(1, 2, 3))).toBe(0);
    expect(() => euclidean(Float32Array.of(1), Float32Array.of(1, 2))).toThrow(/1 and 2/);
  });
});

describe('summarizeFaceRec', () => {
  // Seeded synthetic pairs: same-person pairs have smaller distances and larger logits.
  const synthetic = (n: number, seed: number): FaceRecScored => {
    const rand = createRng(seed);
    const rows: PairRow[] = Array.from({ length: n }, (_, i) => ({ left: `a${i}`, right: `b${i}`, same: i % 2 === 0 }));
    const distances = rows.map((r) => (r.same ? 0.4 : 0.7) + (rand() - 0.5) * 0.36);
    const logits = distances.map((d) => 8 * (0.55 - d) + (rand() - 0.5));
    return { rows, distances, logits, scores: logits.map((z) => 1 / (1 + Math.exp(-z))) };
  };

  it('reports the head on P(same) and the distance as distances, with the ranking of each', () => {
    const train = synthetic(200, 1);
    const test = synthetic(120, 2);
    const { head, euclidean: e } = summarizeFaceRec(train, test, { pairs: 0, maxAbsDiff: 0 });
    const split = (v: readonly number[]) => [v.filter((_, i) => i % 2 === 0), v.filter((_, i) => i % 2 === 1)] as const;
    const [gd, id] = split(test.distances);
    const [gl, il] = split(test.logits);
    expect(e.devTestAuc).toBe(
      rocAuc(
        gd.map((d) => -d),
        id.map((d) => -d),
      ),
    );
    expect(head.devTestAuc).toBe(rocAuc(gl, il));
    // Distances: the threshold lies between the classes, same-person pairs below it.
    expect(e.devTrainThreshold).toBeGreaterThan(0.3);
    expect(e.devTrainThreshold).toBeLessThan(0.8);
    expect(e.devTestMeanSame).toBeCloseTo(gd.reduce((s, x) => s + x, 0) / gd.length, 12);
    expect(e.devTestMeanSame).toBeLessThan(e.devTestMeanDifferent);
    expect(e.devTestTenFold.minThreshold).toBeLessThanOrEqual(e.devTestTenFold.maxThreshold);
    expect(e.devTestTenFold.minThreshold).toBeGreaterThan(0);
    // The head: probabilities, the threshold also as a logit.
    expect(head.devTrainThreshold).toBeCloseTo(1 / (1 + Math.exp(-head.devTrainLogitThreshold)), 12);
    expect(head.devTestMeanSame).toBeGreaterThan(head.devTestMeanDifferent);
    expect(head.devTestTenFold.maxThreshold).toBeLessThanOrEqual(1);
    for (const s of [head, e]) {
      // A sign slip would put these near 0 and 1.
      expect(s.devTestAuc).toBeGreaterThan(0.9);
      expect(s.devTestAccuracy).toBeGreaterThan(0.75);
      expect(s.devTestEer).toBeLessThan(0.2);
    }
  });
});

describe.skipIf(!haveData)('the face-recognition tower on LFW pairs (reads ../shared/data)', () => {
  let backbone: tf.LayersModel;
  let head: tf.LayersModel;
  let center: ChipFunction;
  beforeAll(async () => {
    await useWasmBackend();
    backbone = (await loadBackboneFromDisk(BACKBONE_DISK_DIR)).model;
    head = (await loadHeadFromDisk()).head;
    center = await createChipFunction('center');
  });
  afterAll(() => {
    backbone.dispose();
    disposeHead(head);
    center.dispose();
  });

  it('describes each photo once; the same photo scores distance 0 and the head its bias; a stranger is farther than the same person', async () => {
    const [a1, a2, b1] = ['Abdullah_Gul/Abdullah_Gul_0013.jpg', 'Abdullah_Gul/Abdullah_Gul_0014.jpg', 'Aaron_Tippin/Aaron_Tippin_0001.jpg'];
    const rows: PairRow[] = [
      { left: a1, right: a2, same: true },
      { left: a1, right: b1, same: false },
      { left: b1, right: b1, same: true },
    ];
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const d = await describePhotos(backbone, center, LFW_DIR, [a1, a2, a1, b1], { batchSize: 2, onProgress: (done) => seen.push(done) });
    const scored = scoreDescribedPairs(head, d, rows);
    const check = checkFaceRecHead(head, d, scored, 3);
    expect(tf.memory().numTensors).toBe(before);
    expect([...d.keys()]).toEqual([a1, a2, b1]);
    expect(seen).toEqual([2, 3]);
    expect(scored.distances[2]).toBe(0);
    const bias = head.getLayer(HEAD_LAYER_NAMES.classifier).getWeights()[1]!.dataSync()[0]!;
    expect(scored.logits[2]).toBeCloseTo(bias, 5);
    expect(scored.distances[0]).toBeLessThan(scored.distances[1]!);
    expect(scored.scores[0]).toBeGreaterThan(scored.scores[1]!);
    expect(check.pairs).toBe(3);
    expect(check.maxAbsDiff).toBeLessThanOrEqual(HEAD_TOLERANCE);
    expect(() => scoreDescribedPairs(head, d, [{ left: a1, right: 'X/X_0001.jpg', same: false }])).toThrow(/no descriptor for X/);
  });

  it("runPairs on a few pairs of each file, with the app's aligned chip, returns consistent fields and frees its tensors", async () => {
    const before = tf.memory().numTensors;
    const messages: string[] = [];
    const r = await runFaceRecPairs({ limit: 6, seed: 3, excludePeople: ['Abdullah_Gul'], onProgress: (m) => messages.push(m) });
    expect(tf.memory().numTensors).toBe(before);
    expect(r).toMatchObject({ tower: 'facerec', backend: 'wasm', limit: 6, seed: 3, headBiasShift: expect.any(Number) });
    expect(r.headBiasShift).not.toBe(0); // the shipped head is calibrated
    for (const f of [r.files.devTrain, r.files.devTest]) {
      expect(f).toMatchObject({ pairs: 6, same: 3, different: 3 });
      expect(f.photos).toBeGreaterThan(3);
      expect(f.photos).toBeLessThanOrEqual(12);
    }
    expect(r.files.devTest.excluded).toBe(3); // Abdullah_Gul's dev-test pairs
    expect(r.chip).toMatchObject({ name: 'aligned', photos: r.files.devTrain.photos + r.files.devTest.photos });
    expect(r.chip.noFace).toBeLessThanOrEqual(1);
    expect(r.chip.description).toMatch(/^stillImageChip: locateFace → refineFace → alignFace/);
    expect(messages.at(-1)).toBe(`pairs-dev-test.tsv: ${r.files.devTest.photos}/${r.files.devTest.photos} photos described`);
    expect(r.head.headCheck.pairs).toBe(4);
    expect(r.head.headCheck.maxAbsDiff).toBeLessThanOrEqual(HEAD_TOLERANCE);
    for (const s of [r.head, r.euclidean]) {
      for (const x of [s.devTestAuc, s.devTrainAccuracy, s.devTestAccuracy, s.devTestTenFold.accuracy, s.devTestEer]) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
      }
      // accuracies on 6 pairs are multiples of 1/6
      expect(Math.round(s.devTestAccuracy * 6)).toBeCloseTo(s.devTestAccuracy * 6, 9);
    }
    expect(r.head.devTestMeanSame).toBeGreaterThan(r.head.devTestMeanDifferent);
    expect(r.euclidean.devTestMeanSame).toBeLessThan(r.euclidean.devTestMeanDifferent);
    expect(r.msPerPhoto).toBeGreaterThan(0);
  });
});
