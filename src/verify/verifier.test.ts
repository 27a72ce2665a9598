import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSiamese, disposeNetwork } from '../model';
import { useCpuBackend } from '../../tools/common/node-backend';
import { createVerifier, VerifyError } from './verifier';

const CONFIG = { inputSize: 64, filters: [4, 8, 8, 8], embeddingSize: 16 } as const;
const thresholds = { detectionThreshold: 0.5, verificationThreshold: 0.5 };

beforeAll(async () => {
  await useCpuBackend();
});

describe('createVerifier', () => {
  it('scores like net.model.predict([frame × N, images]) within 1e-5, with one batched head', async () => {
    const net = buildSiamese({ ...CONFIG, filters: [...CONFIG.filters] });
    const images = tf.randomUniform([7, 64, 64, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
    const frame = tf.randomUniform([64, 64, 3], 0, 1, 'float32', 12) as tf.Tensor3D;
    const verifier = createVerifier(net, { batchSize: 3 }); // 3 embedding batches: 3 + 3 + 1
    verifier.setVerificationImages(images);
    expect(verifier.count).toBe(7);
    const decision = await verifier.verify(frame, thresholds);
    const expected = tf.tidy(() => net.model.predict([tf.stack(Array(7).fill(frame)), images]) as tf.Tensor);
    const want = Array.from(await expected.data());
    expect(decision.scores).toHaveLength(7);
    decision.scores.forEach((s, i) => expect(Math.abs(s - want[i]!)).toBeLessThan(1e-5));
    // The decision follows the reference rule on those scores.
    const detection = want.filter((s) => s > 0.5).length;
    expect(decision.detection).toBe(detection);
    expect(decision.granted).toBe(detection / 7 > 0.5);
    tf.dispose([images, frame, expected]);
    verifier.dispose();
    disposeNetwork(net);
  });

  it('leaks no tensors: verify is flat, dispose returns to the start', async () => {
    const net = buildSiamese({ ...CONFIG, filters: [...CONFIG.filters] });
    const images = tf.randomUniform([5, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const frame = tf.randomUniform([64, 64, 3], 0, 1, 'float32', 2) as tf.Tensor3D;
    const start = tf.memory().numTensors;
    const verifier = createVerifier(net);
    verifier.setVerificationImages(images);
    const afterSet = tf.memory().numTensors;
    expect(afterSet).toBe(start + 1); // the cached embeddings
    await verifier.verify(frame, thresholds);
    await verifier.verify(frame, thresholds);
    expect(tf.memory().numTensors).toBe(afterSet);
    verifier.setVerificationImages(images); // replaces (and disposes) the old cache
    expect(tf.memory().numTensors).toBe(afterSet);
    verifier.dispose();
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([images, frame]);
    disposeNetwork(net);
  });

  it('denies with no verification images, and rejects bad shapes and use after dispose', async () => {
    const net = buildSiamese({ ...CONFIG, filters: [...CONFIG.filters] });
    const verifier = createVerifier(net);
    const frame = tf.zeros([64, 64, 3]) as tf.Tensor3D;
    expect(await verifier.verify(frame, thresholds)).toMatchObject({ n: 0, granted: false });
    const empty = tf.zeros([0, 64, 64, 3]) as tf.Tensor4D;
    verifier.setVerificationImages(empty);
    expect(verifier.count).toBe(0);
    expect(await verifier.verify(frame, thresholds)).toMatchObject({ n: 0, granted: false });
    const wrong = tf.zeros([2, 32, 32, 3]) as tf.Tensor4D;
    expect(() => verifier.setVerificationImages(wrong)).toThrow(/\[2, 32, 32, 3\].*\[N, 64, 64, 3\]/);
    const wrongFrame = tf.zeros([32, 32, 3]) as tf.Tensor3D;
    await expect(verifier.verify(wrongFrame, thresholds)).rejects.toMatchObject({ code: 'bad-frame' });
    verifier.dispose();
    await expect(verifier.verify(frame, thresholds)).rejects.toBeInstanceOf(VerifyError);
    tf.dispose([frame, empty, wrong, wrongFrame]);
    disposeNetwork(net);
  });
});
