import * as tf from '@tensorflow/tfjs';
import { buildPairs, type ClassIds } from '../src/data';
import type { TrainingData } from '../src/training';

/** Sample ids `${prefix}0…` */
export const sampleIds = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Three classes of n ids each. */
export function classIds(n: number): ClassIds {
  return { anchors: sampleIds('a', n), positives: sampleIds('p', n), negatives: sampleIds('n', n) };
}

/**
 * Seeded random images for every id of `classes`, as one [N, size, size, 3] tensor plus index,
 * with the pairs of `buildPairs`. Anchors and positives share a bright red patch (a learnable
 * "identity"), negatives don't. The caller disposes `images`.
 */
export function syntheticData(
  classes: ClassIds,
  size: number,
  options: { samplesPerClass: number; trainFraction: number; seed: number },
): TrainingData {
  const ids = [...classes.anchors, ...classes.positives, ...classes.negatives];
  const positive = new Set([...classes.anchors, ...classes.positives]);
  const images = tf.tidy(() => {
    const noise = tf.randomUniform([ids.length, size, size, 3], 0, 1, 'float32', options.seed);
    const mask = tf.tensor4d(
      ids.map((id) => (positive.has(id) ? 1 : 0)),
      [ids.length, 1, 1, 1],
    );
    const patch = tf.pad(tf.ones([Math.floor(size / 2), Math.floor(size / 2), 1]), [
      [0, size - Math.floor(size / 2)],
      [0, size - Math.floor(size / 2)],
      [0, 2],
    ]);
    return tf.clipByValue(tf.add(noise, tf.mul(mask, patch)), 0, 1) as tf.Tensor4D;
  });
  const { train, test } = buildPairs(classes, options);
  return { images, index: new Map(ids.map((id, i) => [id, i])), train, test };
}
