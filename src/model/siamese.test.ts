import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CONFIG, REFERENCE_PARAMS } from '../config';
import { disposeNetwork, expectedWeightShapes } from './io';
import { buildSiamese, stageSizes } from './siamese';

describe('buildSiamese', () => {
  it('builds the reference architecture with 38,964,545 parameters (embedding 38,960,448)', () => {
    const net = buildSiamese();
    expect(net.model.countParams()).toBe(REFERENCE_PARAMS.total);
    expect(net.embedding.countParams()).toBe(REFERENCE_PARAMS.embedding);
    const shapes = net.embedding.layers.map((l) => [l.name, l.outputShape]);
    expect(shapes).toEqual([
      ['input_image', [null, 100, 100, 3]],
      ['conv1', [null, 91, 91, 64]],
      ['pool1', [null, 46, 46, 64]],
      ['conv2', [null, 40, 40, 128]],
      ['pool2', [null, 20, 20, 128]],
      ['conv3', [null, 17, 17, 128]],
      ['pool3', [null, 9, 9, 128]],
      ['conv4', [null, 6, 6, 256]],
      ['flatten', [null, 9216]],
      ['dense_embedding', [null, 4096]],
    ]);
    expect(net.model.outputs[0]!.shape).toEqual([null, 1]);
    expect(net.config).toEqual(DEFAULT_MODEL_CONFIG);
    expect(stageSizes(DEFAULT_MODEL_CONFIG)).toEqual([100, 91, 46, 40, 20, 17, 9, 6]);
    net.model.dispose();
  });

  it("builds the notebook's MaxPooling2D(64, (2,2)) variant with the same shapes and counts", () => {
    const paper = buildSiamese();
    const net = buildSiamese({ pool: 'notebook' });
    expect(net.model.countParams()).toBe(REFERENCE_PARAMS.total);
    expect(net.embedding.countParams()).toBe(REFERENCE_PARAMS.embedding);
    for (const name of ['pool1', 'pool2', 'pool3']) {
      const pool = net.embedding.getLayer(name).getConfig();
      expect(pool.poolSize, name).toEqual([64, 64]);
      expect(pool.strides, name).toEqual([2, 2]);
      expect(pool.padding, name).toBe('same');
    }
    // Layer by layer, the same output shapes and parameter counts as the paper's 2×2 pooling.
    const layers = (n: typeof net) => n.embedding.layers.map((l) => [l.name, l.outputShape, l.countParams()]);
    expect(layers(net)).toEqual(layers(paper));
    paper.model.dispose();
    net.model.dispose();
  });

  it('runs both pooling variants scaled down and gives probabilities', () => {
    for (const pool of ['paper', 'notebook'] as const) {
      const net = buildSiamese({ inputSize: 64, filters: [4, 8, 8, 8], embeddingSize: 16, pool });
      const a = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 1);
      const b = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 2);
      const p = net.model.predict([a, b]) as tf.Tensor;
      expect(p.shape).toEqual([2, 1]);
      const v = p.dataSync();
      for (const x of v) expect(x > 0 && x < 1).toBe(true);
      tf.dispose([a, b, p]);
      net.model.dispose();
    }
  });

  it('rejects an input too small for the kernels, naming the value', () => {
    expect(() => buildSiamese({ inputSize: 40 })).toThrow(/inputSize/);
  });
});

describe("buildSiamese({ faceModel: 'facerec' }): the head on face descriptors", () => {
  it('is |d1 − d2| → Dense(1, sigmoid) with 129 weights, the same layer names, and scores descriptor pairs', () => {
    const before = tf.memory().numTensors;
    const net = buildSiamese({ faceModel: 'facerec' });
    expect(net.config).toEqual({ faceModel: 'facerec', descriptorSize: 128, projection: 0 });
    expect(net.model.countParams()).toBe(129);
    expect(net.model.inputs.map((i) => i.shape)).toEqual([
      [null, 128],
      [null, 128],
    ]);
    expect(net.model.weights.map((w) => [w.originalName, w.shape])).toEqual(expectedWeightShapes(net.config).map((e) => [e.name, e.shape]));
    const w = tf.fill([128, 1], -1);
    const b = tf.tensor1d([2]);
    net.classifier.setWeights([w, b]);
    const d = tf.randomNormal([1, 128], 0, 0.1, 'float32', 3);
    const far = tf.add(d, 1);
    const p = tf.tidy(() => (net.model.predict([tf.concat([d, d]), tf.concat([d, far])]) as tf.Tensor).dataSync());
    // Same descriptor: sigmoid(2); 1 apart in each of 128 values: sigmoid(2 − 128).
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 5);
    expect(p[1]).toBeLessThan(1e-6);
    tf.dispose([w, b, d, far]);
    disposeNetwork(net);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with a projection, shares one Dense sigmoid between the twins', () => {
    const before = tf.memory().numTensors;
    const net = buildSiamese({ faceModel: 'facerec', projection: 16 });
    expect(net.model.countParams()).toBe(128 * 16 + 16 + 16 + 1);
    expect(net.embedding.outputs[0]!.shape).toEqual([null, 16]);
    expect(net.model.weights.map((w) => [w.originalName, w.shape])).toEqual(expectedWeightShapes(net.config).map((e) => [e.name, e.shape]));
    disposeNetwork(net);
    expect(tf.memory().numTensors).toBe(before);
  });
});
