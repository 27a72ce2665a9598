import * as tf from '@tensorflow/tfjs';
import type { SiameseNetwork } from '../../src/model';

/**
 * Re-initialises a network's weights from a seed, with the layers' default initialisers (Glorot
 * uniform kernels, zero biases), so a test that trains is repeatable. tf.js layers draw their
 * initial weights without a seed.
 */
export function seedWeights(net: SiameseNetwork, seed: number): void {
  const values = tf.tidy(() =>
    net.model.weights.map((w, i) =>
      w.originalName.endsWith('/kernel')
        ? tf.initializers.glorotUniform({ seed: seed * 1000 + i }).apply(w.shape as number[])
        : tf.zeros(w.shape as number[]),
    ),
  );
  net.model.setWeights(values);
  tf.dispose(values);
}
