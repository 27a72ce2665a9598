import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../tools/common/node-backend';
import {
  buildBackbone,
  buildFaceRecSiamese,
  buildHead,
  disposeFaceRecSiamese,
  disposeHead,
  headLogits,
  HEAD_LAYER_NAMES,
  projectionUnits,
  shiftHeadBias,
} from './index';

beforeAll(() => useWasmBackend());

const vec = (seed: number) => Float32Array.from({ length: 128 }, (_, i) => Math.sin(seed * 7.1 + i * 0.37) * 0.1);

describe('the Siamese head', () => {
  it('is L1 → Dense(1, sigmoid), optionally after a shared Dense sigmoid projection; disposing frees all its weights', () => {
    const before = tf.memory().numTensors;
    const plain = buildHead();
    const projected = buildHead({ projection: 64 });
    expect(plain.countParams()).toBe(129);
    expect(projected.countParams()).toBe(128 * 64 + 64 + 65);
    expect(projectionUnits(plain)).toBe(0);
    expect(projectionUnits(projected)).toBe(64);
    expect(() => buildHead({ projection: -1 })).toThrow(expect.objectContaining({ code: 'wrong-architecture' }));
    disposeHead(plain);
    disposeHead(projected);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives logits equal to its own prediction, shifts its bias, and leaks no tensors', async () => {
    for (const projection of [0, 16]) {
      const head = buildHead({ projection, seed: 3 });
      const a = [vec(1), vec(2), vec(3)];
      const b = [vec(1), vec(5), vec(6)];
      headLogits(head, a, b); // warm-up
      const before = tf.memory().numTensors;
      const logits = headLogits(head, a, b, 2);
      shiftHeadBias(head, 0.5);
      const shifted = headLogits(head, a, b);
      expect(tf.memory().numTensors).toBe(before);
      const p = tf.tidy(() =>
        (head.predict([tf.tensor2d([...a[1]!, ...a[2]!], [2, 128]), tf.tensor2d([...b[1]!, ...b[2]!], [2, 128])]) as tf.Tensor).dataSync(),
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-(logits[1]! - 0.5))), 5);
      for (let i = 0; i < 3; i++) expect(shifted[i]).toBeCloseTo(logits[i]! - 0.5, 5);
      // Identical descriptors: L1 = 0, the logit is the bias (then the projection cancels out too).
      expect(logits[0]).toBeCloseTo(head.getLayer(HEAD_LAYER_NAMES.classifier).getWeights()[1]!.dataSync()[0]! + 0.5, 5);
      disposeHead(head);
    }
  });

  it('saves and loads back (L1Dist registered)', async () => {
    const head = buildHead({ projection: 8, seed: 2 });
    let saved: tf.io.ModelArtifacts | undefined;
    await head.save(
      tf.io.withSaveHandler(async (x) => ((saved = x), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect([...headLogits(loaded, [vec(1)], [vec(4)])]).toEqual([...headLogits(head, [vec(1)], [vec(4)])]);
    disposeHead(head);
    disposeHead(loaded);
  });

  it('wraps a shared backbone into the whole two-chip network, disposed with all its weights', () => {
    const before = tf.memory().numTensors;
    const backbone = buildBackbone();
    const head = buildHead();
    const net = buildFaceRecSiamese(backbone, head);
    expect(net.inputs.map((i) => i.shape)).toEqual([
      [null, 150, 150, 3],
      [null, 150, 150, 3],
    ]);
    expect(net.outputs[0]!.shape).toEqual([null, 1]);
    expect(net.countParams()).toBe(backbone.countParams() + 129);
    disposeFaceRecSiamese(net, backbone, head);
    expect(tf.memory().numTensors).toBe(before);
  });
});
