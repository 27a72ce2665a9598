import * as tf from '@tensorflow/tfjs';

/**
 * Gradients that make training work, and fast, on the wasm backend.
 *
 * tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` kernel, so the stock gradient of a Conv2D
 * throws there, and its `Conv2DBackpropInput` is slow. Both gradients of a stride-1 convolution are
 * themselves convolutions, which wasm runs with XNNPACK:
 *
 * - dW: the input transposed to [C_in, H, W, N] convolved with dy transposed to [h, w, N, C_out] (as
 *   the filter) gives [C_in, kh, kw, C_out]; transposed back that is [kh, kw, C_in, C_out].
 * - dx: dy padded to a 'full' convolution, convolved with the filter rotated by 180° and with in/out
 *   channels swapped.
 *
 * MaxPool's gradient scatters dy to the window argmax (wasm's MaxPoolGrad rescans every window
 * for every output, 35 s for the notebook's 64×64 pool1, and is wrong for all-negative windows),
 * and the wasm BatchMatMul kernel is wrapped so that transpose flags (used by the gradient of every
 * Dense layer) become explicit transposes: the flagged kernel is ~10× slower.
 *
 * These formulations are used while the active backend is wasm or lacks the stock kernels; on
 * other backends (cpu, webgl) the registered gradients call the stock kernels, which are fine there.
 */

type Pads = { top: number; bottom: number; left: number; right: number };
type Conv2DGradAttrs = Pick<tf.Conv2DAttrs, 'strides' | 'pad' | 'dataFormat' | 'dilations' | 'dimRoundingMode'>;

function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

/** The explicit padding of a stride-1 NHWC convolution, or null when our formulation does not apply. */
function stride1Pads(xShape: number[], filterShape: number[], attrs: Conv2DGradAttrs): Pads | null {
  const [sh, sw] = pair(attrs.strides);
  const [dh, dw] = pair(attrs.dilations);
  if (sh !== 1 || sw !== 1 || dh !== 1 || dw !== 1 || attrs.dataFormat !== 'NHWC') return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    1,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { top, bottom, left, right } = info.padInfo;
  const [kh, kw] = [filterShape[0]!, filterShape[1]!];
  // The input gradient pads dy by k − 1 − pad on each side, which must not be negative.
  if ([top, bottom].some((p) => p < 0 || p > kh - 1) || [left, right].some((p) => p < 0 || p > kw - 1)) return null;
  return { top, bottom, left, right };
}

/** Whether the stride/padding/dilation/format of a Conv2D is one our gradient formulation covers. */
export function isConv2DGradSupported(xShape: number[], filterShape: number[], attrs: Conv2DGradAttrs): boolean {
  return stride1Pads(xShape, filterShape, attrs) !== null;
}

/**
 * dW of a stride-1 NHWC Conv2D as a convolution of transposed tensors. Throws for configurations
 * `isConv2DGradSupported` rejects.
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: Conv2DGradAttrs,
): tf.Tensor4D {
  const p = stride1Pads(x.shape, filterShape, attrs);
  if (p === null)
    throw new Error(`conv2dFilterGrad: unsupported Conv2D (strides ${String(attrs.strides)}, dilations ${String(attrs.dilations)})`);
  return tf.tidy(() => {
    const xt = tf.transpose(x, [3, 1, 2, 0]); // [C_in, H, W, N]
    const dyt = tf.transpose(dy, [1, 2, 0, 3]); // [h, w, N, C_out]
    const pad: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [p.top, p.bottom],
      [p.left, p.right],
      [0, 0],
    ];
    const g = tf.conv2d(xt, dyt, 1, pad); // [C_in, kh, kw, C_out]
    return tf.transpose(g, [1, 2, 0, 3]);
  });
}

/**
 * dx of a stride-1 NHWC Conv2D: a 'full' convolution of dy with the filter rotated by 180° and its
 * in/out channels swapped. Throws for configurations `isConv2DGradSupported` rejects.
 */
export function conv2dInputGrad(
  xShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: Conv2DGradAttrs,
): tf.Tensor4D {
  const p = stride1Pads(xShape, filter.shape, attrs);
  if (p === null)
    throw new Error(`conv2dInputGrad: unsupported Conv2D (strides ${String(attrs.strides)}, dilations ${String(attrs.dilations)})`);
  const [kh, kw] = [filter.shape[0], filter.shape[1]];
  return tf.tidy(() => {
    const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]); // [kh, kw, C_out, C_in]
    const pad: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [kh - 1 - p.top, kh - 1 - p.bottom],
      [kw - 1 - p.left, kw - 1 - p.right],
      [0, 0],
    ];
    return tf.conv2d(dy, rotated, 1, pad);
  });
}

/** Whether the active backend should use the formulations above. */
function useOwnFormulation(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || tf.getKernel('Conv2DBackpropFilter', backend) === undefined;
}

const conv2DGrad: tf.GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, rawAttrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const g = dy as tf.Tensor4D;
    const attrs = rawAttrs as unknown as Conv2DGradAttrs;
    if (useOwnFormulation() && isConv2DGradSupported(x.shape, filter.shape, attrs)) {
      return {
        x: () => conv2dInputGrad(x.shape, g, filter, attrs),
        filter: () => conv2dFilterGrad(x, g, filter.shape, attrs),
      };
    }
    if (!pair(attrs.dilations).every((d) => d === 1)) {
      throw new Error(`Gradient of conv2D: dilations ${String(attrs.dilations)} are not supported (only 1)`);
    }
    const common = { strides: attrs.strides, pad: attrs.pad, dataFormat: attrs.dataFormat, dimRoundingMode: attrs.dimRoundingMode };
    return {
      x: () => stockKernel(tf.Conv2DBackpropInput, { dy: g, filter }, { ...common, inputShape: x.shape }),
      filter: () => stockKernel(tf.Conv2DBackpropFilter, { x, dy: g }, { ...common, filterShape: filter.shape }),
    };
  },
};

/** The stock backprop kernels (what tf.js's own Conv2D gradient calls), for strides ≠ 1 and the like. */
function stockKernel(name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown>): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/**
 * dx of a MaxPool by scattering dy to the argmax of each window: O(output) once the argmax is
 * known, where wasm's MaxPoolGrad kernel rescans every window for every output (35 s for the
 * notebook's 64×64 pool1 at batch 16; 0.2 s for the 2×2 one) and, like the argmax kernel below,
 * mishandles windows without a positive value.
 *
 * wasm's MaxPoolWithArgmax (4.22) starts each window's maximum at 0, so a window without a
 * positive value reports index 0 of the whole tensor; the input is therefore shifted to ≥ 1
 * first, which keeps the argmax. Ties (exactly equal maxima, or values within float rounding of
 * the shift) go to one of the tied positions: wasm picks the last, tf.js's cpu kernel the first.
 */
export function maxPoolInputGrad(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  attrs: Pick<tf.MaxPoolAttrs, 'filterSize' | 'strides' | 'pad'>,
): tf.Tensor4D {
  if (typeof attrs.pad === 'object') throw new Error('maxPoolInputGrad: explicit padding is not supported');
  const pad = attrs.pad;
  return tf.tidy(() => {
    const positive = tf.add(tf.sub(x, tf.min(x)), 1) as tf.Tensor4D;
    const { indexes } = tf.maxPoolWithArgmax(positive, attrs.filterSize, attrs.strides, pad, true);
    const flat = tf.scatterND(tf.reshape(indexes!, [-1, 1]), tf.reshape(dy, [-1]), [x.size]);
    return tf.reshape(flat, x.shape);
  });
}

const maxPoolGrad: tf.GradConfig = {
  kernelName: tf.MaxPool,
  inputsToSave: ['x'],
  outputsToSave: [true],
  gradFunc: (dy, saved, rawAttrs) => {
    const [x, y] = saved as [tf.Tensor4D, tf.Tensor4D];
    const g = dy as tf.Tensor4D;
    const attrs = rawAttrs as unknown as tf.MaxPoolAttrs;
    if (useOwnFormulation() && typeof attrs.pad !== 'object' && attrs.dimRoundingMode === undefined) {
      return { x: () => maxPoolInputGrad(g, x, attrs) };
    }
    return {
      x: () =>
        stockKernel(
          tf.MaxPoolGrad,
          { dy: g, input: x, output: y },
          { filterSize: attrs.filterSize, strides: attrs.strides, pad: attrs.pad },
        ),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// wasm matMul with transpose flags

type TensorInfo = tf.TensorInfo;

/**
 * How to compute op(A)·op(B) (op = optional transpose of the last two axes) without transpose
 * flags: 'direct' = op(A)·op(B) with the transposed operands materialised, 'swapped' =
 * (op(B)ᵀ·op(A)ᵀ)ᵀ. Cost = elements transposed + elements packed (the right-hand operand, which
 * XNNPACK repacks for every new tensor): the smaller wins. For Dense's dA = dy·Wᵀ that avoids
 * transposing and packing the 9216×4096 kernel.
 */
export function matMulForm(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): 'direct' | 'swapped' {
  const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
  const [a, b] = [size(aShape), size(bShape)];
  const m = transposeA ? aShape.at(-1)! : aShape.at(-2)!;
  const n = transposeB ? bShape.at(-2)! : bShape.at(-1)!;
  const out = (a / (aShape.at(-1)! * aShape.at(-2)!)) * m * n;
  const direct = (transposeA ? a : 0) + (transposeB ? b : 0) + b;
  const swapped = (transposeB ? 0 : b) + (transposeA ? 0 : a) + a + out;
  return direct <= swapped ? 'direct' : 'swapped';
}

let wasmMatMulPatched = false;

/**
 * tfjs-backend-wasm runs a BatchMatMul with a transpose flag on a slow path (a naive loop or a
 * repack of the transposed weights): 1.5 s for the Dense kernel's gradient at batch 16 against
 * 0.15 s with explicit transposes. The gradient of `tf.fused.matMul` (what every Dense layer
 * uses) is a custom gradient that calls matMul with flags, so it cannot be re-registered;
 * instead the wasm BatchMatMul kernel is wrapped: flagged calls become explicit transposes plus a
 * flag-free call of the original kernel, in the cheaper form of `matMulForm`.
 */
function patchWasmBatchMatMul(): void {
  if (wasmMatMulPatched) return;
  const original = tf.getKernel(tf.BatchMatMul, 'wasm');
  const transposeKernel = tf.getKernel(tf.Transpose, 'wasm');
  if (original === undefined || transposeKernel === undefined) return; // wasm not imported (yet)
  const kernelFunc: tf.KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const sameBatch = a.shape.length === b.shape.length && a.shape.slice(0, -2).every((d, i) => d === b.shape[i]);
    if ((!transposeA && !transposeB) || !sameBatch) return original.kernelFunc(args);
    const backend = args.backend as tf.KernelBackend;
    const swapLastTwo = (t: TensorInfo): TensorInfo => {
      const perm = t.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
      return transposeKernel.kernelFunc({ inputs: { x: t }, backend, attrs: { perm } }) as TensorInfo;
    };
    const matMul = (x: TensorInfo, y: TensorInfo) =>
      original.kernelFunc({ inputs: { a: x, b: y }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
    const temps: TensorInfo[] = [];
    const temp = (t: TensorInfo) => (temps.push(t), t);
    try {
      if (matMulForm(a.shape, b.shape, transposeA, transposeB) === 'direct') {
        return matMul(transposeA ? temp(swapLastTwo(a)) : a, transposeB ? temp(swapLastTwo(b)) : b);
      }
      return swapLastTwo(temp(matMul(transposeB ? b : temp(swapLastTwo(b)), transposeA ? a : temp(swapLastTwo(a)))));
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  // setupFunc stays the original's: the wasm backend calls it when it initialises.
  tf.registerKernel({ ...original, kernelFunc });
  wasmMatMulPatched = true;
}

let registered = false;

/**
 * Registers the Conv2D and MaxPool gradients above in place of the stock ones (tf.js keeps one
 * gradient per kernel name, for all backends) and wraps the wasm BatchMatMul kernel (once
 * '@tensorflow/tfjs-backend-wasm' is imported). Idempotent.
 */
export function registerTrainableGradients(): void {
  if (!registered) {
    tf.registerGradient(conv2DGrad);
    tf.registerGradient(maxPoolGrad);
  }
  registered = true;
  patchWasmBatchMatMul();
}
