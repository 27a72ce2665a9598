import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_PARAMS } from '../config';
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
    expect(stageSizes(net.config)).toEqual([100, 91, 46, 40, 20, 17, 9, 6]);
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
