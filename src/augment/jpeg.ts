/**
 * JPEG compression artefacts without an encoder. tfjs has no `tf.image.encodeJpeg`, so this redoes
 * the lossy steps of baseline JPEG (libjpeg defaults, as `tf.image.adjust_jpeg_quality` uses):
 * RGB → YCbCr (JFIF), 4:2:0 chroma subsampling (2×2 mean), 8×8 block DCT, quantisation with the
 * standard tables scaled by quality (IJG formula), then the inverse, bilinear chroma upsampling and
 * rounding to 8 bits. Entropy coding is lossless and left out. It differs from a real codec in the
 * details of chroma up/down-sampling filters and integer DCT rounding, not in the kind of artefact.
 */
import * as tf from '@tensorflow/tfjs';

/** The standard JPEG (ITU T.81, Annex K) quantisation tables at quality 50, row-major 8×8. */
const LUMA_TABLE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22,
  37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_TABLE = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/** JFIF RGB → YCbCr and back, row-major 3×3 (rows Y, Cb, Cr; then R, G, B). */
const RGB_TO_YCC = [0.299, 0.587, 0.114, -0.168736, -0.331264, 0.5, 0.5, -0.418688, -0.081312];
const YCC_TO_RGB = [1, 0, 1.402, 1, -0.344136, -0.714136, 1, 1.772, 0];

/** The IJG quality scaling of a base table (libjpeg's jpeg_quality_scaling + baseline clamp). */
export function scaledTable(base: readonly number[], quality: number): number[] {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? 5000 / q : 200 - 2 * q;
  return base.map((v) => Math.min(255, Math.max(1, Math.floor((v * scale + 50) / 100))));
}

/**
 * The 64 basis images of the orthonormal 8×8 DCT-II, as a [64 pixels, 64 coefficients] matrix:
 * entry (dy·8 + dx, u·8 + v) = d(u, dy) · d(v, dx). Coefficient u·8 + v lines up with the tables.
 */
const DCT_BASIS = (() => {
  const d = (u: number, x: number) => (u === 0 ? Math.sqrt(1 / 8) : Math.sqrt(2 / 8)) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  const m = new Float32Array(64 * 64);
  for (let p = 0; p < 64; p++) for (let k = 0; k < 64; k++) m[p * 64 + k] = d(Math.floor(k / 8), Math.floor(p / 8)) * d(k % 8, p % 8);
  return m;
})();

/** Repeats the last row and column until height and width are multiples of `m`. */
function padEdge(x: tf.Tensor4D, m: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  let y = x;
  const ph = (m - (h % m)) % m;
  const pw = (m - (w % m)) % m;
  if (ph > 0) y = tf.concat([y, tf.tile(tf.slice(y, [0, h - 1, 0, 0], [-1, 1, -1, -1]), [1, ph, 1, 1])], 1);
  if (pw > 0) y = tf.concat([y, tf.tile(tf.slice(y, [0, 0, w - 1, 0], [-1, -1, 1, -1]), [1, 1, pw, 1])], 2);
  return y;
}

/**
 * Block DCT, quantisation and inverse DCT of planes [p, h, w, 1] (h, w multiples of 8, values
 * level-shifted to −128…127), one table per plane (row-major 8×8). The forward DCT is a stride-8
 * convolution with the 64 basis images, the inverse a matmul and depthToSpace: no transposes and
 * no broadcasting, which the CPU backend does slowly.
 */
function quantisePlanes(planes: tf.Tensor4D, tables: readonly (readonly number[])[]): tf.Tensor4D {
  const [p, h, w] = planes.shape;
  const blocks = (h / 8) * (w / 8);
  const basis = tf.tensor2d(DCT_BASIS, [64, 64]);
  const coefficients = tf.conv2d(planes, tf.reshape<tf.Rank.R4>(basis, [8, 8, 1, 64]), 8, 'valid');
  const q = new Float32Array(p * blocks * 64);
  tables.forEach((t, i) => {
    for (let b = 0; b < blocks; b++) q.set(t, (i * blocks + b) * 64);
  });
  const qt = tf.tensor4d(q, coefficients.shape);
  const quantised = tf.mul(tf.round(tf.div(coefficients, qt)), qt);
  const pixels = tf.matMul(tf.reshape(quantised, [p * blocks, 64]), basis, false, true);
  return tf.depthToSpace(tf.reshape<tf.Rank.R4>(pixels, [p, h / 8, w / 8, 64]), 8);
}

/**
 * JPEG-like compression of images [n, h, w, 3] in [0, 1] at one quality per image (1–100).
 * Returns values in [0, 1] on the 8-bit grid (k / 255). `chromaSubsampling` false keeps full-size
 * chroma (4:4:4, as jpeg-js encodes). Call inside tf.tidy.
 */
export function jpegCompress(x: tf.Tensor4D, qualities: readonly number[], chromaSubsampling = true): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (c !== 3) throw new Error(`jpegCompress: expected 3 channels, got ${c}`);
  if (qualities.length !== n) throw new Error(`jpegCompress: ${qualities.length} qualities for ${n} images`);
  // 16-pixel MCUs for 4:2:0: the padded image's chroma planes are whole 8×8 blocks too.
  const padded = padEdge(x, 16);
  const [, ph, pw] = padded.shape;
  // JFIF colour transform of the level-shifted values: the Y row sums to 1 and the Cb, Cr rows to
  // 0, so (RGB − 128)·Mᵀ = (Y − 128, Cb − 128, Cr − 128).
  const rgb = tf.reshape(tf.sub(tf.mul(padded, 255), 128), [n * ph * pw, 3]);
  const ycc = tf.reshape<tf.Rank.R4>(tf.matMul(rgb, tf.tensor2d(RGB_TO_YCC, [3, 3]), false, true), [n, ph, pw, 3]);
  const [y, cb, cr] = tf.split(ycc, 3, 3) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  const luma = (q: number) => scaledTable(LUMA_TABLE, q);
  const chroma = (q: number) => scaledTable(CHROMA_TABLE, q);
  let restored: tf.Tensor4D;
  if (chromaSubsampling) {
    const yq = quantisePlanes(y, qualities.map(luma));
    const cq = quantisePlanes(tf.avgPool(tf.concat([cb, cr], 0), 2, 2, 'valid'), [...qualities, ...qualities].map(chroma));
    const [cbq, crq] = tf.split(tf.image.resizeBilinear(cq, [ph, pw], false, true), 2, 0);
    restored = tf.concat([yq, cbq as tf.Tensor4D, crq as tf.Tensor4D], 3);
  } else {
    const all = quantisePlanes(tf.concat([y, cb, cr], 0), [...qualities.map(luma), ...qualities.map(chroma), ...qualities.map(chroma)]);
    restored = tf.concat(tf.split<tf.Tensor4D>(all, 3, 0), 3);
  }
  const back = tf.reshape(tf.matMul(tf.reshape(restored, [n * ph * pw, 3]), tf.tensor2d(YCC_TO_RGB, [3, 3]), false, true), [n, ph, pw, 3]);
  const out = tf.add(back, 128);
  const bytes = tf.clipByValue(tf.round(out), 0, 255);
  return tf.div(tf.slice(bytes, [0, 0, 0, 0], [n, h, w, 3]), 255);
}
