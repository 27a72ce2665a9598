import { describe, expect, it } from 'vitest';
import { ANCHOR_SPECS, generateAnchors } from './anchors';
import { decodeDetections, intersectionOverUnion, KEYPOINT_NAMES, VALUES_PER_ANCHOR, weightedNms, type Face } from './decode';

describe('BlazeFace anchors', () => {
  it('has the 896 short-range anchors: 16×16×2 at stride 8, then 8×8×6 at stride 16', () => {
    const a = generateAnchors(ANCHOR_SPECS.short);
    expect(a.count).toBe(896);
    expect([a.x[0], a.y[0], a.x[1], a.x[2]]).toEqual([0.5 / 16, 0.5 / 16, 0.5 / 16, 1.5 / 16]);
    expect([a.x[511], a.y[511]]).toEqual([15.5 / 16, 15.5 / 16]);
    // The three stride-16 layers share one 8×8 map, 6 anchors per cell.
    expect([a.x[512], a.x[517], a.x[518], a.y[895]]).toEqual([0.5 / 8, 0.5 / 8, 1.5 / 8, 7.5 / 8]);
  });

  it('has the 2304 full-range anchors: 48×48×1 at stride 4', () => {
    const a = generateAnchors(ANCHOR_SPECS.full);
    expect(a.count).toBe(2304);
    expect([a.x[1], a.y[1], a.x[48], a.y[48]]).toEqual([1.5 / 48, 0.5 / 48, 0.5 / 48, 1.5 / 48].map(Math.fround));
  });
});

/** One image's raw output with the given anchors set to (logit, box and keypoints in input px). */
function rawOutput(count: number, set: { anchor: number; logit: number; dx: number; dy: number; w: number; h: number }[]): Float32Array {
  const raw = new Float32Array(count * VALUES_PER_ANCHOR).fill(0);
  for (let i = 0; i < count; i++) raw[i * VALUES_PER_ANCHOR] = -20;
  for (const s of set) {
    const o = s.anchor * VALUES_PER_ANCHOR;
    raw.set([s.logit, s.dx, s.dy, s.w, s.h], o);
    KEYPOINT_NAMES.forEach((_, k) => raw.set([s.dx + k, s.dy - k], o + 5 + 2 * k));
  }
  return raw;
}

describe('decodeDetections', () => {
  const anchors = generateAnchors(ANCHOR_SPECS.short);

  it('decodes box and keypoints relative to the anchor, with sigmoid scores', () => {
    // Anchor 34 = cell (x 1, y 1) of the stride-8 map: centre (1.5/16, 1.5/16) = (12, 12) px of 128.
    const raw = rawOutput(anchors.count, [{ anchor: 34, logit: 2, dx: 4, dy: -2, w: 32, h: 40 }]);
    const faces = decodeDetections(raw, anchors, 128, 0.5);
    expect(faces).toHaveLength(1);
    const [f] = faces;
    expect(f!.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(f!.box.x * 128).toBeCloseTo(12 + 4 - 16, 4);
    expect(f!.box.y * 128).toBeCloseTo(12 - 2 - 20, 4);
    expect(f!.box.width * 128).toBeCloseTo(32, 4);
    expect(f!.box.height * 128).toBeCloseTo(40, 4);
    expect(f!.keypoints.map((k) => k.name)).toEqual([...KEYPOINT_NAMES]);
    expect(f!.keypoints[2]!.x * 128).toBeCloseTo(12 + 4 + 2, 4);
    expect(f!.keypoints[2]!.y * 128).toBeCloseTo(12 - 2 - 2, 4);
  });

  it('drops scores below the threshold and clips huge logits', () => {
    const raw = rawOutput(anchors.count, [
      { anchor: 10, logit: -0.1, dx: 0, dy: 0, w: 10, h: 10 },
      { anchor: 600, logit: 1e9, dx: 0, dy: 0, w: 10, h: 10 },
    ]);
    const faces = decodeDetections(raw, anchors, 128, 0.5);
    expect(faces).toHaveLength(1);
    expect(faces[0]!.score).toBeCloseTo(1, 6);
    expect(decodeDetections(raw, anchors, 128, 0.4)).toHaveLength(2);
  });

  it('rejects an output of the wrong size', () => {
    expect(() => decodeDetections(new Float32Array(10), anchors, 128, 0.5)).toThrow(/expected 896×17 values, got 10/);
  });
});

const face = (x: number, y: number, size: number, score: number): Face => ({
  box: { x, y, width: size, height: size },
  score,
  keypoints: [{ name: 'noseTip', x: x + size / 2, y: y + size / 2 }],
});

describe('weighted NMS', () => {
  it('computes intersection over union', () => {
    expect(intersectionOverUnion({ x: 0, y: 0, width: 2, height: 2 }, { x: 1, y: 0, width: 2, height: 2 })).toBeCloseTo(2 / 6, 9);
    expect(intersectionOverUnion({ x: 0, y: 0, width: 1, height: 1 }, { x: 2, y: 2, width: 1, height: 1 })).toBe(0);
  });

  it('merges overlapping faces into their score-weighted mean and keeps separate faces', () => {
    const out = weightedNms([face(0, 0, 10, 0.6), face(1, 1, 10, 0.9), face(50, 50, 10, 0.7)], 0.3);
    expect(out.map((f) => f.score)).toEqual([0.9, 0.7]);
    expect(out[0]!.box.x).toBeCloseTo((0.6 * 0 + 0.9 * 1) / 1.5, 9);
    expect(out[0]!.box.width).toBeCloseTo(10, 9);
    expect(out[0]!.keypoints[0]!.x).toBeCloseTo((0.6 * 5 + 0.9 * 6) / 1.5, 9);
    expect(out[1]!.box).toEqual({ x: 50, y: 50, width: 10, height: 10 });
  });

  it('keeps faces whose overlap is at or below the threshold', () => {
    // IoU of these two is 1/3.
    expect(weightedNms([face(0, 0, 2, 0.8), face(1, 0, 2, 0.7)], 0.34)).toHaveLength(2);
    expect(weightedNms([face(0, 0, 2, 0.8), face(1, 0, 2, 0.7)], 0.3)).toHaveLength(1);
    expect(weightedNms([], 0.3)).toEqual([]);
  });
});
