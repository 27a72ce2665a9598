import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_CAPTURE_CONFIG,
  DEFAULT_FACE_CONFIG,
  FACE_CROP_RULES,
  FACE_THRESHOLD_RANGE,
  validateCaptureConfig,
  validateFaceConfig,
} from '../config';
import { boxSide, faceCentre, faceCrop, faceSquare, largestFace, type FaceCropRule } from './crop-rule';
import { KEYPOINT_NAMES, type Face } from './decode';

/** A face box with its inner keypoints around (kx, ky) (default: the box centre). */
function face(x: number, y: number, w: number, h: number, score = 0.9, kx = x + w / 2, ky = y + h / 2): Face {
  const offsets: Record<string, [number, number]> = {
    rightEye: [-10, -8],
    leftEye: [10, -8],
    noseTip: [0, 4],
    mouthCenter: [0, 12],
    rightEarTragion: [-30, 0],
    leftEarTragion: [30, 0],
  };
  // The inner four average to (kx, ky).
  return {
    box: { x, y, width: w, height: h },
    score,
    keypoints: KEYPOINT_NAMES.map((name) => ({ name, x: kx + offsets[name]![0], y: ky + offsets[name]![1] })),
  };
}

const BOX_RULE: FaceCropRule = { centre: 'box', marginFactor: 2, offsetX: 0, offsetY: 0 };

describe('faceSquare', () => {
  it('is marginFactor × the box side, centred on the box centre moved by the offsets', () => {
    expect(boxSide(face(0, 0, 100, 120).box)).toBe(110);
    expect(faceSquare(face(270, 190, 100, 100), 640, 480, BOX_RULE)).toEqual({ x: 220, y: 140, size: 200, clamped: false });
    expect(faceSquare(face(270, 190, 100, 100), 640, 480, { ...BOX_RULE, offsetX: 0.1, offsetY: -0.2 })).toEqual({
      x: 230,
      y: 120,
      size: 200,
      clamped: false,
    });
  });

  it("centres on the mean of eyes, nose and mouth with centre 'keypoints'", () => {
    const f = face(270, 190, 100, 100, 0.9, 330, 236); // inner keypoints' mean: (330, 236 + 0)
    expect(faceCentre(f, 'keypoints')).toEqual({ x: 330, y: 236 });
    expect(faceCentre(f, 'box')).toEqual({ x: 320, y: 240 });
    expect(faceSquare(f, 640, 480, { ...BOX_RULE, centre: 'keypoints' })).toEqual({ x: 230, y: 136, size: 200, clamped: false });
    // Without keypoints, the box centre.
    expect(faceCentre({ ...f, keypoints: [] }, 'keypoints')).toEqual({ x: 320, y: 240 });
  });

  it('shifts a square across an edge inside the frame and says so', () => {
    expect(faceSquare(face(560, 10, 80, 80), 640, 480, BOX_RULE)).toEqual({ x: 480, y: 0, size: 160, clamped: true });
  });

  it('shrinks a square larger than the frame to its shorter side', () => {
    expect(faceSquare(face(200, 100, 300, 300), 640, 480, BOX_RULE)).toEqual({ x: 110, y: 0, size: 480, clamped: true });
    expect(faceSquare(face(50, 50, 150, 150), 250, 250, BOX_RULE)).toEqual({ x: 0, y: 0, size: 250, clamped: true });
  });

  it('rejects an empty frame or box', () => {
    expect(() => faceSquare(face(0, 0, 10, 10), 0, 480, BOX_RULE)).toThrow(/empty frame 0×480/);
    expect(() => faceSquare(face(0, 0, 0, 0), 640, 480, BOX_RULE)).toThrow(/no area/);
  });
});

describe('largestFace and faceCrop', () => {
  const small = face(10, 10, 50, 50, 0.95);
  const big = face(300, 100, 120, 110, 0.7);
  const bigWeak = face(100, 100, 200, 200, 0.4);

  it('takes the largest face reaching the threshold and flags several faces', () => {
    expect(largestFace([small, big, bigWeak], 0.5)).toEqual({ face: big, multiple: true });
    expect(largestFace([small, bigWeak], 0.5)).toEqual({ face: small, multiple: false });
    expect(largestFace([bigWeak], 0.3)).toEqual({ face: bigWeak, multiple: false });
  });

  it('gives null when no face reaches the threshold', () => {
    expect(largestFace([], 0.5)).toBeNull();
    expect(largestFace([bigWeak], 0.5)).toBeNull();
    expect(faceCrop([bigWeak], 640, 480, DEFAULT_FACE_CONFIG)).toBeNull();
    expect(faceCrop([], 640, 480, DEFAULT_FACE_CONFIG)).toBeNull();
  });

  it('crops around the chosen face with the config rule', () => {
    const crop = faceCrop([small, big], 640, 480, { ...DEFAULT_FACE_CONFIG, ...BOX_RULE });
    expect(crop).toEqual({ face: big, multiple: true, square: faceSquare(big, 640, 480, BOX_RULE) });
  });
});

describe('validateFaceConfig', () => {
  it('fills the defaults and the measured crop rule of the chosen variant', () => {
    expect(validateFaceConfig()).toEqual(DEFAULT_FACE_CONFIG);
    expect(validateFaceConfig({ variant: 'full' })).toEqual({ ...DEFAULT_FACE_CONFIG, variant: 'full', ...FACE_CROP_RULES.full });
    expect(validateFaceConfig({ variant: 'full', marginFactor: 2 }).marginFactor).toBe(2);
  });

  it('names the bad value', () => {
    expect(() => validateFaceConfig({ variant: 'medium' as 'short' })).toThrow(ConfigError);
    expect(() => validateFaceConfig({ variant: 'medium' as 'short' })).toThrow(/variant = "medium"/);
    expect(() => validateFaceConfig({ scoreThreshold: 1.5 })).toThrow(/scoreThreshold = 1.5/);
    expect(() => validateFaceConfig({ marginFactor: 0 })).toThrow(/marginFactor = 0/);
    expect(() => validateFaceConfig({ centre: 'nose' as 'box' })).toThrow(/centre = "nose"/);
  });
});

describe("the user's face-confidence threshold (CaptureConfig.faceThreshold)", () => {
  it("defaults to the detector's own cut-off and may only be stricter, up to 0.99", () => {
    expect(DEFAULT_CAPTURE_CONFIG.faceThreshold).toBe(DEFAULT_FACE_CONFIG.scoreThreshold);
    expect(FACE_THRESHOLD_RANGE.min).toBe(DEFAULT_FACE_CONFIG.scoreThreshold);
    expect(validateCaptureConfig({}).faceThreshold).toBe(0.5); // a config stored before the setting existed
    expect(validateCaptureConfig({ faceThreshold: 0.9 }).faceThreshold).toBe(0.9);
    expect(() => validateCaptureConfig({ faceThreshold: 0.4 })).toThrow(/faceThreshold = 0.4/);
    expect(() => validateCaptureConfig({ faceThreshold: 1 })).toThrow(/faceThreshold = 1/);
  });

  it('a higher threshold drops the faces below it from the crop rule: fewer faces, or none', () => {
    const face = (score: number, x: number, side: number): Face => ({
      score,
      box: { x, y: 100, width: side, height: side },
      keypoints: KEYPOINT_NAMES.map((name) => ({ name, x: x + side / 2, y: 100 + side / 2 })),
    });
    const faces = [face(0.97, 250, 110), face(0.72, 40, 80)];
    expect(faceCrop(faces, 640, 480, { ...DEFAULT_FACE_CONFIG, scoreThreshold: 0.5 })).toMatchObject({
      multiple: true,
      face: { score: 0.97 },
    });
    expect(faceCrop(faces, 640, 480, { ...DEFAULT_FACE_CONFIG, scoreThreshold: 0.8 })).toMatchObject({
      multiple: false,
      face: { score: 0.97 },
    });
    expect(faceCrop(faces, 640, 480, { ...DEFAULT_FACE_CONFIG, scoreThreshold: 0.99 })).toBeNull();
  });
});
