import * as tf from '@tensorflow/tfjs';
import { CHIP_SIZE, DESCRIPTOR_SIZE } from './backbone';
import { FaceRecError } from './errors';

/**
 * A face chip: 150×150 pixels, RGBA (as ImageData holds them) or RGB, values 0–255, rows top to
 * bottom. The alignment step (src/face) or a square crop resized to 150 makes one.
 */
export interface Chip {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray | Float32Array;
}

/** [n, 150, 150, 3] float32 RGB 0–255 from chips (the caller disposes it). */
export function chipsToTensor(chips: readonly Chip[]): tf.Tensor4D {
  const n = chips.length;
  const px = CHIP_SIZE * CHIP_SIZE;
  const out = new Float32Array(n * px * 3);
  chips.forEach((c, i) => {
    if (c.width !== CHIP_SIZE || c.height !== CHIP_SIZE) {
      throw new FaceRecError('bad-chip', `chip ${i} is ${c.width}×${c.height}; the network takes ${CHIP_SIZE}×${CHIP_SIZE}`);
    }
    const step = c.data.length === px * 4 ? 4 : c.data.length === px * 3 ? 3 : 0;
    if (step === 0)
      throw new FaceRecError('bad-chip', `chip ${i} has ${c.data.length} values; expected ${px * 4} (RGBA) or ${px * 3} (RGB)`);
    const base = i * px * 3;
    for (let p = 0; p < px; p++) {
      out[base + p * 3] = c.data[p * step]!;
      out[base + p * 3 + 1] = c.data[p * step + 1]!;
      out[base + p * 3 + 2] = c.data[p * step + 2]!;
    }
  });
  return tf.tensor4d(out, [n, CHIP_SIZE, CHIP_SIZE, 3]);
}

/** Splits a [n, d] float32 tensor's values into n Float32Arrays (it is not disposed). */
async function rows(t: tf.Tensor2D): Promise<Float32Array[]> {
  const values = (await t.data()) as Float32Array;
  const d = t.shape[1];
  return Array.from({ length: t.shape[0] }, (_, i) => values.slice(i * d, (i + 1) * d));
}

/**
 * The 128-d descriptors of a batch of chips, one backbone forward for the batch. No tensors stay
 * behind, whatever happens.
 */
export async function describe(backbone: tf.LayersModel, chips: readonly Chip[]): Promise<Float32Array[]> {
  if (chips.length === 0) return [];
  const out = tf.tidy(() => {
    const input = chipsToTensor(chips);
    return backbone.predict(input) as tf.Tensor2D;
  });
  try {
    if (out.shape[1] !== DESCRIPTOR_SIZE)
      throw new FaceRecError('wrong-architecture', `the backbone gives ${out.shape[1]} values per chip, not ${DESCRIPTOR_SIZE}`);
    return await rows(out);
  } finally {
    out.dispose();
  }
}

/** As `describe`, for a [n, 150, 150, 3] RGB 0–255 tensor the caller owns (and disposes). */
export async function describeTensor(backbone: tf.LayersModel, batch: tf.Tensor4D): Promise<Float32Array[]> {
  if (batch.shape[1] !== CHIP_SIZE || batch.shape[2] !== CHIP_SIZE || batch.shape[3] !== 3) {
    throw new FaceRecError('bad-chip', `the batch is ${JSON.stringify(batch.shape)}; the network takes [n, ${CHIP_SIZE}, ${CHIP_SIZE}, 3]`);
  }
  const out = backbone.predict(batch) as tf.Tensor2D;
  try {
    return await rows(out);
  } finally {
    out.dispose();
  }
}
