import * as tf from '@tensorflow/tfjs';

/**
 * The three layers the face-recognition ResNet needs that tf.layers does not have. Each is
 * registered with tf.serialization, so a saved backbone loads back with tf.loadLayersModel.
 */

/** dlib's mean RGB of its training faces, as face-api's FaceRecognitionNet subtracts it. */
export const MEAN_RGB = [122.782, 117.001, 104.298] as const;
/** face-api divides the centred pixels by 255 (FaceRecognitionNet.forwardInput). */
export const PIXEL_DIVISOR = 255;

/** (x − MEAN_RGB) / 255 on RGB 0–255 input: the network's input normalisation. No weights. */
export class FaceRecNormalize extends tf.layers.Layer {
  static readonly className = 'FaceRecNormalize';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.div(tf.sub(x, tf.tensor1d([...MEAN_RGB])), PIXEL_DIVISOR);
    });
  }
}

/**
 * x · weights + biases, one weight and one bias per channel (last axis): dlib's affine layer
 * (the batch-norm it was trained with, folded), face-api's scaleLayer. Trainable.
 */
export class ChannelScale extends tf.layers.Layer {
  static readonly className = 'ChannelScale';
  private scale: tf.LayerVariable | null = null;
  private offset: tf.LayerVariable | null = null;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (typeof channels !== 'number') throw new Error(`ChannelScale needs a known channel count, got shape ${JSON.stringify(shape)}`);
    this.scale = this.addWeight('weights', [channels], 'float32', tf.initializers.ones());
    this.offset = this.addWeight('biases', [channels], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.add(tf.mul(x, this.scale!.read()), this.offset!.read());
    });
  }
}

/**
 * Appends zero channels after the input's own (face-api's residualDown shortcut: the pooled input
 * concatenated with zeros of its own shape, so 32 → 64 channels). No weights.
 */
export class ZeroPadChannels extends tf.layers.Layer {
  static readonly className = 'ZeroPadChannels';
  readonly extra: number;

  constructor(config: { extra: number; name?: string }) {
    super(config);
    this.extra = config.extra;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = [...((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape)];
    const c = s[s.length - 1];
    s[s.length - 1] = typeof c === 'number' ? c + this.extra : null;
    return s;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      return tf.concat([x, tf.zeros([...x.shape.slice(0, 3), this.extra] as [number, number, number, number])], 3);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), extra: this.extra };
  }
}

tf.serialization.registerClass(FaceRecNormalize);
tf.serialization.registerClass(ChannelScale);
tf.serialization.registerClass(ZeroPadChannels);
