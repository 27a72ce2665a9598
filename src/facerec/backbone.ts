import * as tf from '@tensorflow/tfjs';
import { ChannelScale, FaceRecNormalize, ZeroPadChannels } from './layers';

/**
 * dlib's face-recognition ResNet (dlib_face_recognition_resnet_model_v1), as face-api.js ported it
 * to tf.js (src/faceRecognitionNet/ of @vladmandic/face-api), rebuilt here as a tf.js layers model
 * so that it can be trained and saved like our other networks:
 *
 *   RGB 0–255 [150,150,3] → (x − mean RGB) / 255
 *   → conv 7×7/2 'valid' + bias, per-channel scale, ReLU (conv32_down)  → 72×72×32
 *   → max-pool 3×3/2 'valid'                                            → 35×35×32
 *   → 3 residual blocks of 32; down-block + 3 blocks of 64; down + 2 of 128; down + 2 of 256;
 *     one more down-block of 256 (conv256_down_out)                    → 35, 17, 8, 4, 2 px
 *   → spatial mean → fully connected 128 without bias: the descriptor.
 *
 * A residual block: conv 3×3 'same' + bias → scale → ReLU → conv 3×3 'same' + bias → scale,
 * plus the input, ReLU. A down-block: its first conv is 3×3 stride 2 'valid'; the shortcut is a
 * 2×2/2 average pool of the input with zero channels appended when the block widens; where the
 * pooled map is one pixel larger than the convolved one (8 → 3 vs 4, 4 → 1 vs 2), the convolved
 * map gets a row of zeros at the bottom and a column at the right, as face-api does.
 */

export const DESCRIPTOR_SIZE = 128;
export const CHIP_SIZE = 150;

/** Layer names follow face-api's weight names with '/' → '_' (weight-map.ts maps them). */
export const BACKBONE_NAME = 'facerec_backbone';

/** The residual stages in order: [block name, filters, down-sampling?]. */
export const RESIDUAL_BLOCKS: ReadonlyArray<readonly [string, number, boolean]> = [
  ['conv32_1', 32, false],
  ['conv32_2', 32, false],
  ['conv32_3', 32, false],
  ['conv64_down', 64, true],
  ['conv64_1', 64, false],
  ['conv64_2', 64, false],
  ['conv64_3', 64, false],
  ['conv128_down', 128, true],
  ['conv128_1', 128, false],
  ['conv128_2', 128, false],
  ['conv256_down', 256, true],
  ['conv256_1', 256, false],
  ['conv256_2', 256, false],
  ['conv256_down_out', 256, true],
];

type Sym = tf.SymbolicTensor;

const spatial = (x: Sym) => x.shape[1] as number;
const channels = (x: Sym) => x.shape[3] as number;

/** conv (+ bias) → per-channel scale → optional ReLU: face-api's convLayer. */
function convLayer(
  x: Sym,
  prefix: string,
  filters: number,
  kernelSize: number,
  strides: number,
  padding: 'valid' | 'same',
  relu: boolean,
): Sym {
  let out = tf.layers.conv2d({ filters, kernelSize, strides, padding, useBias: true, name: `${prefix}_conv` }).apply(x) as Sym;
  out = new ChannelScale({ name: `${prefix}_scale` }).apply(out) as Sym;
  if (relu) out = tf.layers.reLU({ name: `${prefix}_relu` }).apply(out) as Sym;
  return out;
}

function residual(x: Sym, name: string, filters: number): Sym {
  let out = convLayer(x, `${name}_conv1`, filters, 3, 1, 'same', true);
  out = convLayer(out, `${name}_conv2`, filters, 3, 1, 'same', false);
  out = tf.layers.add({ name: `${name}_add` }).apply([out, x]) as Sym;
  return tf.layers.reLU({ name: `${name}_relu` }).apply(out) as Sym;
}

function residualDown(x: Sym, name: string, filters: number): Sym {
  let out = convLayer(x, `${name}_conv1`, filters, 3, 2, 'valid', true);
  out = convLayer(out, `${name}_conv2`, filters, 3, 1, 'same', false);
  let pooled = tf.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'valid', name: `${name}_pool` }).apply(x) as Sym;
  const grow = spatial(pooled) - spatial(out);
  if (grow !== 0 && grow !== 1) throw new Error(`${name}: shortcut ${spatial(pooled)} px vs ${spatial(out)} px`);
  if (grow === 1)
    out = tf.layers
      .zeroPadding2d({
        padding: [
          [0, 1],
          [0, 1],
        ],
        name: `${name}_pad`,
      })
      .apply(out) as Sym;
  if (channels(pooled) !== filters)
    pooled = new ZeroPadChannels({ extra: filters - channels(pooled), name: `${name}_widen` }).apply(pooled) as Sym;
  out = tf.layers.add({ name: `${name}_add` }).apply([pooled, out]) as Sym;
  return tf.layers.reLU({ name: `${name}_relu` }).apply(out) as Sym;
}

/**
 * The backbone with fresh (untrained) weights: input [batch, 150, 150, 3] RGB 0–255, output
 * [batch, 128]. Load the pretrained weights with `setFaceApiWeights` (weights.ts).
 */
export function buildBackbone(): tf.LayersModel {
  const input = tf.input({ shape: [CHIP_SIZE, CHIP_SIZE, 3], name: 'chip' });
  let x = new FaceRecNormalize({ name: 'normalize' }).apply(input) as Sym;
  x = convLayer(x, 'conv32_down', 32, 7, 2, 'valid', true);
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: 'pool' }).apply(x) as Sym;
  for (const [name, filters, down] of RESIDUAL_BLOCKS) x = down ? residualDown(x, name, filters) : residual(x, name, filters);
  x = tf.layers.globalAveragePooling2d({ name: 'mean' }).apply(x) as Sym;
  const out = tf.layers.dense({ units: DESCRIPTOR_SIZE, useBias: false, name: 'fc' }).apply(x) as Sym;
  return tf.model({ inputs: input, outputs: out, name: BACKBONE_NAME });
}
