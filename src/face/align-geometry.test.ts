/**
 * The alignment geometry on synthetic keypoints: where the template puts the face, that the
 * transform levels the eyes and lands them there, and that it does not depend on how the face
 * was rotated, scaled or moved in the frame.
 */
import { describe, expect, it } from 'vitest';
import {
  AlignConfigError,
  alignmentTransform,
  applySimilarity,
  chipTemplate,
  DEFAULT_ALIGN,
  invertSimilarity,
  similarityScale,
  squareTransform,
  validateAlignConfig,
  type AlignConfig,
  type Point,
  type Similarity,
} from './align-geometry';
import { KEYPOINT_NAMES, type Keypoint } from './decode';

/** Keypoints of a face whose eyes, nose and mouth sit where `placed` maps the template's. */
function keypointsFrom(placed: Similarity, config: AlignConfig = DEFAULT_ALIGN, tweak: Partial<Record<string, Point>> = {}): Keypoint[] {
  const t = chipTemplate(config);
  const at: Record<(typeof KEYPOINT_NAMES)[number], Point> = {
    rightEye: t.rightEye,
    leftEye: t.leftEye,
    noseTip: t.noseTip,
    mouthCenter: t.mouthCenter,
    rightEarTragion: { x: t.rightEye.x - 30, y: t.noseTip.y },
    leftEarTragion: { x: t.leftEye.x + 30, y: t.noseTip.y },
  };
  return KEYPOINT_NAMES.map((name) => ({ name, ...applySimilarity(placed, tweak[name] ?? at[name]) }));
}

/** A similarity of the given angle (degrees), scale and translation. */
function similarity(degrees: number, scale: number, tx: number, ty: number): Similarity {
  const r = (degrees * Math.PI) / 180;
  return { a: scale * Math.cos(r), b: scale * Math.sin(r), tx, ty };
}

const get = (kps: readonly Keypoint[], name: string) => kps.find((k) => k.name === name)!;

describe('chipTemplate', () => {
  it("places dlib's mean face in the chip: eyes level, the eye distance and margins as the padding says", () => {
    for (const padding of [0, 0.1, 0.25, 0.4]) {
      const t = chipTemplate({ size: 150, padding });
      const span = 150 / (1 + 2 * padding); // the mean shape's [0, 1] in chip pixels
      expect(t.rightEye.y).toBeCloseTo(t.leftEye.y, 5);
      expect(t.leftEye.x - t.rightEye.x).toBeCloseTo(0.529269 * span, 3);
      expect(t.rightEye.x).toBeCloseTo((padding + 0.225492) * span, 3);
      expect(t.rightEye.y).toBeCloseTo((padding + 0.21599) * span, 3);
      // Right eye on the chip's left, the nose below the eyes, the mouth below the nose, all near the middle.
      expect(t.rightEye.x).toBeLessThan(t.leftEye.x);
      expect(t.noseTip.y).toBeGreaterThan(t.leftEye.y);
      expect(t.mouthCenter.y).toBeGreaterThan(t.noseTip.y);
      expect(Math.abs(t.noseTip.x - 75)).toBeLessThan(0.02 * 150);
      expect(Math.abs(t.mouthCenter.x - 75)).toBeLessThan(0.02 * 150);
    }
    // More padding, a smaller face.
    expect(chipTemplate({ size: 150, padding: 0.4 }).leftEye.x - chipTemplate({ size: 150, padding: 0.4 }).rightEye.x).toBeLessThan(
      chipTemplate({ size: 150, padding: 0.1 }).leftEye.x - chipTemplate({ size: 150, padding: 0.1 }).rightEye.x,
    );
  });
});

describe('alignmentTransform', () => {
  const configs: AlignConfig[] = [
    DEFAULT_ALIGN,
    { size: 150, padding: 0.1, scale: 'eyes' },
    { size: 150, padding: 0.4, scale: 'eyesMouth' },
    { size: 112, padding: 0.25, scale: 'eyesMouth' },
  ];

  it('maps a face in any pose of the frame onto the template: eyes level, at their template positions', () => {
    for (const config of configs) {
      const t = chipTemplate(config);
      for (const placed of [
        similarity(0, 1, 0, 0),
        similarity(23, 2.1, 300, 140),
        similarity(-40, 0.6, 50, 400),
        similarity(170, 3.3, 900, 700),
      ]) {
        const kps = keypointsFrom(placed, config);
        const m = alignmentTransform(kps, config);
        for (const name of ['rightEye', 'leftEye', 'noseTip', 'mouthCenter'] as const) {
          const p = applySimilarity(m, get(kps, name));
          expect(p.x, `${config.scale} ${config.padding} ${name}`).toBeCloseTo(t[name].x, 6);
          expect(p.y, `${config.scale} ${config.padding} ${name}`).toBeCloseTo(t[name].y, 6);
        }
        // Scale: the chip undoes the frame's.
        expect(similarityScale(m) * similarityScale(placed)).toBeCloseTo(1, 9);
      }
    }
  });

  it('levels the eyes and keeps the template eye distance whatever the face proportions (eyes)', () => {
    const config: AlignConfig = { ...DEFAULT_ALIGN, scale: 'eyes' };
    const t = chipTemplate(config);
    // A long face (mouth far down), its eyes at an angle.
    const kps = keypointsFrom(similarity(31, 1.4, 200, 90), config, { mouthCenter: { x: t.mouthCenter.x, y: t.mouthCenter.y + 20 } });
    const m = alignmentTransform(kps, config);
    const r = applySimilarity(m, get(kps, 'rightEye'));
    const l = applySimilarity(m, get(kps, 'leftEye'));
    expect(l.y - r.y).toBeCloseTo(0, 9);
    expect(l.x - r.x).toBeCloseTo(t.leftEye.x - t.rightEye.x, 9);
    expect(r.x).toBeCloseTo(t.rightEye.x, 9);
  });

  it('scales by eye distance plus mouth height with eyesMouth: a turned head (narrower eyes) shrinks less than with eyes alone', () => {
    const base = { size: 150, padding: 0.25 } as const;
    const t = chipTemplate(base);
    const mid = (t.leftEye.x + t.rightEye.x) / 2;
    // Eyes 30 % closer together (head turned), mouth as in the template.
    const squeeze = (p: Point) => ({ x: mid + 0.7 * (p.x - mid), y: p.y });
    const kps = keypointsFrom(
      similarity(0, 1, 0, 0),
      { ...base, scale: 'eyes' },
      { rightEye: squeeze(t.rightEye), leftEye: squeeze(t.leftEye) },
    );
    const byEyes = similarityScale(alignmentTransform(kps, { ...base, scale: 'eyes' }));
    const byBoth = similarityScale(alignmentTransform(kps, { ...base, scale: 'eyesMouth' }));
    expect(byEyes).toBeCloseTo(1 / 0.7, 9);
    expect(byBoth).toBeGreaterThan(1);
    expect(byBoth).toBeLessThan(byEyes);
    // The eyes stay level either way.
    for (const scale of ['eyes', 'eyesMouth'] as const) {
      const m = alignmentTransform(kps, { ...base, scale });
      expect(applySimilarity(m, get(kps, 'leftEye')).y - applySimilarity(m, get(kps, 'rightEye')).y).toBeCloseTo(0, 9);
    }
  });

  it('is invariant to rotating, scaling and moving the frame: the chip sees the same face', () => {
    const kps = keypointsFrom(similarity(8, 1.3, 120, 60), DEFAULT_ALIGN, { mouthCenter: { x: 80, y: 125 } });
    for (const config of configs) {
      const m = alignmentTransform(kps, config);
      for (const frame of [similarity(90, 1, 640, 0), similarity(-17, 0.45, 10, 300), similarity(33, 2.5, -100, 50)]) {
        const moved = kps.map((k) => ({ name: k.name, ...applySimilarity(frame, k) }));
        const m2 = alignmentTransform(moved, config);
        for (const p of [{ x: 0, y: 0 }, { x: 500, y: 20 }, get(kps, 'noseTip')]) {
          const a = applySimilarity(m, p);
          const b = applySimilarity(m2, applySimilarity(frame, p));
          expect(b.x).toBeCloseTo(a.x, 6);
          expect(b.y).toBeCloseTo(a.y, 6);
        }
      }
    }
  });

  it('names the missing or degenerate keypoint', () => {
    const kps = keypointsFrom(similarity(0, 1, 0, 0));
    expect(() => alignmentTransform(kps.filter((k) => k.name !== 'leftEye'))).toThrow(/leftEye/);
    expect(() =>
      alignmentTransform(
        kps.filter((k) => k.name !== 'mouthCenter'),
        { ...DEFAULT_ALIGN, scale: 'eyesMouth' },
      ),
    ).toThrow(/mouthCenter/);
    // 'eyes' does not need the mouth.
    expect(() =>
      alignmentTransform(
        kps.filter((k) => k.name !== 'mouthCenter'),
        { ...DEFAULT_ALIGN, scale: 'eyes' },
      ),
    ).not.toThrow();
    const same = kps.map((k) => (k.name === 'leftEye' ? { ...get(kps, 'rightEye'), name: k.name } : k));
    expect(() => alignmentTransform(same)).toThrow(/coincide/);
  });
});

describe('similarity helpers', () => {
  it('inverts a similarity', () => {
    const t = similarity(37, 1.9, 12, -80);
    const inv = invertSimilarity(t);
    for (const p of [
      { x: 3, y: 4 },
      { x: -50, y: 200 },
    ]) {
      const q = applySimilarity(inv, applySimilarity(t, p));
      expect(q.x).toBeCloseTo(p.x, 9);
      expect(q.y).toBeCloseTo(p.y, 9);
    }
    expect(() => invertSimilarity({ a: 0, b: 0, tx: 1, ty: 1 })).toThrow(/zero scale/);
  });

  it('maps a square region onto the whole chip', () => {
    const t = squareTransform({ x: 14, y: 12, size: 227 }, 150);
    expect(applySimilarity(t, { x: 14, y: 12 })).toEqual({ x: 0, y: 0 });
    const far = applySimilarity(t, { x: 241, y: 239 });
    expect(far.x).toBeCloseTo(150, 9);
    expect(far.y).toBeCloseTo(150, 9);
    expect(() => squareTransform({ x: 0, y: 0, size: 0 }, 150)).toThrow(/empty/);
  });
});

describe('validateAlignConfig', () => {
  it('fills in the defaults without touching the caller’s object, and names a bad value', () => {
    const partial = { padding: 0.4 };
    expect(validateAlignConfig(partial)).toEqual({ ...DEFAULT_ALIGN, padding: 0.4 });
    expect(partial).toEqual({ padding: 0.4 });
    expect(validateAlignConfig()).toEqual(DEFAULT_ALIGN);
    expect(() => validateAlignConfig({ size: 0 })).toThrow(AlignConfigError);
    expect(() => validateAlignConfig({ size: 150.5 })).toThrow(/size/);
    expect(() => validateAlignConfig({ padding: -0.1 })).toThrow(/padding/);
    expect(() => validateAlignConfig({ padding: Number.NaN })).toThrow(/padding/);
    expect(() => validateAlignConfig({ scale: 'ears' as AlignConfig['scale'] })).toThrow(/scale/);
  });
});
