import * as tf from '@tensorflow/tfjs';

/**
 * |e1 − e2|, element-wise: the Siamese distance layer. Registered with tf.serialization so a saved
 * model loads back with `tf.loadLayersModel` and predicts the same values.
 */
export class L1Dist extends tf.layers.Layer {
  static readonly className = 'L1Dist';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error('L1Dist expects two inputs');
      return tf.abs(tf.sub(inputs[0]!, inputs[1]!));
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (inputShape as tf.Shape[])[0]!;
  }
}

tf.serialization.registerClass(L1Dist);
