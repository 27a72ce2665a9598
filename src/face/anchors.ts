/**
 * SSD anchors of the two BlazeFace detectors, generated as MediaPipe's `SsdAnchorsCalculator` does
 * with the options of `face_detection_short_range.pbtxt` and `face_detection_full_range.pbtxt`
 * (aspect ratio 1, fixed anchor size, anchor offset 0.5). Plain arrays, no tf.js.
 */
import type { FaceDetectorVariant } from '../config';

/** The parts of MediaPipe's SsdAnchorsCalculatorOptions that vary between the two detectors. */
export interface AnchorSpec {
  /** Side of the square model input in pixels. */
  readonly inputSize: number;
  /** One stride per output layer; consecutive layers with the same stride share one feature map. */
  readonly strides: readonly number[];
  /**
   * MediaPipe's `interpolated_scale_aspect_ratio`: > 0 adds a second anchor per layer and cell.
   * With `fixed_anchor_size` the anchors' size does not depend on it, only their count.
   */
  readonly interpolatedScaleAspectRatio: number;
}

/** MediaPipe's graphs: short range 128×128, 896 anchors; full range 192×192, 2304 anchors. */
export const ANCHOR_SPECS: Readonly<Record<FaceDetectorVariant, AnchorSpec>> = {
  short: { inputSize: 128, strides: [8, 16, 16, 16], interpolatedScaleAspectRatio: 1 },
  full: { inputSize: 192, strides: [4], interpolatedScaleAspectRatio: 0 },
};

/** Anchor centres in [0, 1] of the model input; with fixed anchor size every anchor is 1×1. */
export interface Anchors {
  readonly count: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
}

export function generateAnchors(spec: AnchorSpec): Anchors {
  const xs: number[] = [];
  const ys: number[] = [];
  const { strides } = spec;
  let layer = 0;
  while (layer < strides.length) {
    const stride = strides[layer]!;
    let perCell = 0;
    let last = layer;
    while (last < strides.length && strides[last] === stride) {
      perCell += 1 + (spec.interpolatedScaleAspectRatio > 0 ? 1 : 0); // aspect ratio 1 (+ interpolated)
      last++;
    }
    const map = Math.ceil(spec.inputSize / stride);
    for (let y = 0; y < map; y++) {
      for (let x = 0; x < map; x++) {
        for (let a = 0; a < perCell; a++) {
          xs.push((x + 0.5) / map);
          ys.push((y + 0.5) / map);
        }
      }
    }
    layer = last;
  }
  return { count: xs.length, x: Float32Array.from(xs), y: Float32Array.from(ys) };
}
