import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPairs, shuffled } from '../data';
import { buildSiamese, disposeNetwork } from '../model';
import { useWasmBackend } from '../../tools/common/node-backend';
import { createVerifier } from '../verify';
import { lfwPath, photoBatch, photoCount, readPeople } from '../../test/lfw';
import { seedWeights } from '../../tools/common';
import { train } from './train';

/**
 * Real learning on real faces. One LFW person's photos are the anchors and positives (as a user's
 * captures would be), one photo each of other people the negatives (as the bundled negatives);
 * a scaled-down network trains on the wasm backend. Then held-out photos, never trained or tested
 * on — of the person, and of people who are not among the negatives — are scored against the
 * anchors as live verification scores a frame (mean score over the anchors).
 *
 * Seeded (pairs, epoch order, initial weights): the figures repeat on every run of the same build
 * (seed 1: test loss 0.693 → 0.425, held-out mean score 0.599 vs 0.405, AUC 0.83). This is a
 * small-data regime (40 photos per class, 56 training pairs) and results vary with the seed: with
 * seeds 2 and 3 the person's held-out photos still scored higher on average (0.472 vs 0.393, AUC
 * 0.78; 0.652 vs 0.612, AUC 0.65) but the 24-pair test loss ended above its start (0.705, 0.799):
 * the network over-fits. Changes to the gradient code can move these numbers. ~13 s CPU time.
 */
const PERSON = 'George_W_Bush';
const PER_CLASS = 40;
const HELD_OUT = 40;
const SEED = 1;
const MODEL = { inputSize: 64, filters: [8, 16, 16, 32] as [number, number, number, number], embeddingSize: 64 };
const CONFIG = {
  epochs: 20,
  batchSize: 8,
  learningRate: 1e-3,
  samplesPerClass: PER_CLASS,
  trainFraction: 0.7,
  checkpointEvery: 1000,
  seed: SEED,
};
/** The central 126 px of a 250×250 LFW photo: the face and a little around it. */
const CROP = { x: 62, y: 62, size: 126 };

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('training on LFW faces', () => {
  beforeAll(async () => {
    await useWasmBackend();
  });

  it('learns: test loss falls and held-out photos of the person outscore held-out photos of others', async () => {
    const own = shuffled(
      Array.from({ length: photoCount(PERSON) }, (_, i) => lfwPath(PERSON, i + 1)),
      SEED,
    );
    const others = shuffled(
      readPeople('people-dev-train.tsv').filter((p) => p.name !== PERSON),
      SEED,
    ).map((p) => lfwPath(p.name, 1));
    const anchors = own.slice(0, PER_CLASS);
    const positives = own.slice(PER_CLASS, 2 * PER_CLASS);
    const heldOwn = own.slice(2 * PER_CLASS, 2 * PER_CLASS + HELD_OUT);
    const negatives = others.slice(0, PER_CLASS);
    const heldOthers = others.slice(PER_CLASS, PER_CLASS + HELD_OUT);

    const ids = [...anchors, ...positives, ...negatives];
    const images = photoBatch(ids, MODEL.inputSize, CROP);
    const { train: trainPairs, test } = buildPairs({ anchors, positives, negatives }, CONFIG);
    const net = buildSiamese(MODEL);
    seedWeights(net, SEED);
    const result = await train(net, { images, index: new Map(ids.map((id, i) => [id, i])), train: trainPairs, test }, CONFIG);

    const verifier = createVerifier(net);
    const anchorImages = tf.slice(images, 0, PER_CLASS);
    verifier.setVerificationImages(anchorImages);
    const meanScores = async (paths: readonly string[]) => {
      const batch = photoBatch(paths, MODEL.inputSize, CROP);
      const out: number[] = [];
      for (const frame of tf.unstack(batch) as tf.Tensor3D[]) {
        out.push(mean((await verifier.verify(frame, { detectionThreshold: 0.5, verificationThreshold: 0.5 })).scores));
        frame.dispose();
      }
      batch.dispose();
      return out;
    };
    const ownScores = await meanScores(heldOwn);
    const otherScores = await meanScores(heldOthers);
    // AUC: the chance that a held-out photo of the person outscores a held-out photo of someone else.
    const auc = mean(ownScores.flatMap((o) => otherScores.map((x) => (o > x ? 1 : o === x ? 0.5 : 0))));
    const first = result.history[0]!;
    const last = result.final!;
    const figures =
      `${trainPairs.length} train / ${test.length} test pairs, ${CONFIG.epochs} epochs: test loss ${first.testLoss.toFixed(3)} → ${last.testLoss.toFixed(3)} ` +
      `(train ${first.trainLoss.toFixed(3)} → ${last.trainLoss.toFixed(3)}), test precision ${last.precision.toFixed(2)} recall ${last.recall.toFixed(2)}; ` +
      `held-out mean score ${PERSON} ${mean(ownScores).toFixed(3)} vs others ${mean(otherScores).toFixed(3)}, AUC ${auc.toFixed(2)}`;
    console.log(figures);

    expect(last.testLoss, figures).toBeLessThan(0.9 * first.testLoss);
    expect(mean(ownScores) - mean(otherScores), figures).toBeGreaterThan(0.05);
    expect(auc, figures).toBeGreaterThan(0.7);

    verifier.dispose();
    tf.dispose([images, anchorImages]);
    disposeNetwork(net);
  });
});
