import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPTURE_CONFIG } from '../../src/config';
import { captureSquare } from '../../src/data';
import { checkFrameSpec, cropFit, DEFAULT_FRAME_SPEC, insideFrame, photoSeed, placePhoto, stringSalt } from './frame';

describe('placePhoto', () => {
  it('gives the same placement for the same seed and another for another seed', () => {
    expect(placePhoto(7, 250, 250)).toEqual(placePhoto(7, 250, 250));
    expect(placePhoto(7, 250, 250)).not.toEqual(placePhoto(8, 250, 250));
  });

  it('keeps shift and scale within the spec, spans the ranges, and keeps the default placements inside the 640×480 frame', () => {
    const s = DEFAULT_FRAME_SPEC;
    const ps = Array.from({ length: 2000 }, (_, i) => placePhoto(i, 250, 250));
    for (const p of ps) {
      expect(Math.abs(p.shiftX)).toBeLessThanOrEqual(s.maxShiftX);
      expect(Math.abs(p.shiftY)).toBeLessThanOrEqual(s.maxShiftY);
      expect(p.scale).toBeGreaterThanOrEqual(s.minScale);
      expect(p.scale).toBeLessThanOrEqual(s.maxScale);
      expect(p.width).toBe(Math.round(250 * p.scale));
      expect(Number.isInteger(p.x) && Number.isInteger(p.y)).toBe(true);
      // The photo's centre is the frame centre moved by the shift (to rounding).
      expect(Math.abs(p.x + p.width / 2 - (320 + p.shiftX))).toBeLessThanOrEqual(0.5);
      expect(Math.abs(p.y + p.height / 2 - (240 + p.shiftY))).toBeLessThanOrEqual(0.5);
      expect(insideFrame(p)).toBe(true);
    }
    // Uniform draws: the extremes of each range are nearly reached.
    expect(Math.max(...ps.map((p) => p.shiftX))).toBeGreaterThan(0.95 * s.maxShiftX);
    expect(Math.min(...ps.map((p) => p.shiftY))).toBeLessThan(-0.95 * s.maxShiftY);
    expect(Math.min(...ps.map((p) => p.scale))).toBeLessThan(s.minScale + 0.01);
    expect(Math.max(...ps.map((p) => p.scale))).toBeGreaterThan(s.maxScale - 0.01);
  });

  it('centres the photo 1:1 when the spec allows no shift or scale', () => {
    const spec = { ...DEFAULT_FRAME_SPEC, maxShiftX: 0, maxShiftY: 0, minScale: 1, maxScale: 1 };
    const p = placePhoto(3, 250, 250, spec);
    expect([p.x, p.y, p.width, p.height]).toEqual([195, 115, 250, 250]);
    // …which is exactly the reference's fixed capture square.
    expect(captureSquare(640, 480, DEFAULT_CAPTURE_CONFIG)).toEqual({ x: 195, y: 115, size: 250 });
  });

  it('reports placements that reach past the frame', () => {
    const spec = { ...DEFAULT_FRAME_SPEC, maxShiftX: 300, minScale: 1.5, maxScale: 1.5 };
    const outside = Array.from({ length: 50 }, (_, i) => placePhoto(i, 250, 250, spec)).filter((p) => !insideFrame(p, spec));
    expect(outside.length).toBeGreaterThan(0);
  });

  it('refuses a bad spec or an empty photo, naming the problem', () => {
    expect(() => checkFrameSpec({ ...DEFAULT_FRAME_SPEC, minScale: 1.3 })).toThrow(/minScale ≤ maxScale/);
    expect(() => checkFrameSpec({ ...DEFAULT_FRAME_SPEC, width: 0 })).toThrow(/positive integers/);
    expect(() => placePhoto(1, 0, 250)).toThrow(/empty photo 0×250/);
  });
});

describe('photoSeed', () => {
  it('depends on the seed and on the photo', () => {
    expect(photoSeed(42, 'A', 'A_0001.jpg')).toBe(photoSeed(42, 'A', 'A_0001.jpg'));
    expect(photoSeed(42, 'A', 'A_0001.jpg')).not.toBe(photoSeed(42, 'A', 'A_0002.jpg'));
    expect(photoSeed(42, 'A', 'A_0001.jpg')).not.toBe(photoSeed(43, 'A', 'A_0001.jpg'));
    expect(stringSalt('')).toBe(0x811c9dc5);
  });
});

describe('cropFit', () => {
  const p = { x: 100, y: 50, width: 200, height: 200, scale: 0.8, shiftX: 0, shiftY: 0 };
  it('is offset 0 and ratio 1 for the photo itself', () => {
    expect(cropFit({ x: 100, y: 50, size: 200 }, p)).toEqual({ offset: 0, sizeRatio: 1 });
  });
  it('measures the centre distance and the size in photo sides', () => {
    const fit = cropFit({ x: 130, y: 90, size: 100 }, p); // centre (180, 140) vs (200, 150)
    expect(fit.offset).toBeCloseTo(Math.hypot(20, 10) / 200, 12);
    expect(fit.sizeRatio).toBe(0.5);
  });
});
