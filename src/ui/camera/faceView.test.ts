import { describe, expect, it } from 'vitest';
import { KEYPOINT_NAMES, type Face } from '../../face';
import type { FaceFrame } from '../../verify';
import { faceHint, noFaceCapture, squareOf } from './faceView';

function face(x: number, size: number, score: number): Face {
  return {
    box: { x, y: 100, width: size, height: size },
    score,
    keypoints: KEYPOINT_NAMES.map((name) => ({ name, x: x + size / 2, y: 100 + size / 2 })),
  };
}

function frame(faces: Face[], crop: FaceFrame['crop']): FaceFrame {
  return { width: 640, height: 480, faces, found: faces.filter((f) => f.score >= 0.5).length, crop, detectMs: 12, at: 0 };
}

const one = face(260, 110, 0.97);
const withFace = frame([one], { face: one, square: { x: 190, y: 90, size: 253, clamped: false }, multiple: false });
const small = face(60, 60, 0.9);
const two = frame([one, small], { face: one, square: { x: 190, y: 90, size: 253, clamped: false }, multiple: true });
const none = frame([], null);
const ready = { requested: 'face', status: 'ready' } as const;

describe('faceHint', () => {
  it('says nothing in fixed mode or while a single face is found', () => {
    expect(faceHint({ requested: 'fixed', status: 'off' }, null)).toBeNull();
    expect(faceHint(ready, withFace)).toBeNull();
    expect(faceHint(ready, null)).toBeNull();
  });

  it('says when no face is found, and how many faces there are when several', () => {
    expect(faceHint(ready, none)).toMatchObject({ kind: 'no-face', tone: 'warn' });
    expect(faceHint(ready, two)).toEqual({ kind: 'multiple', tone: 'info', text: '2 faces: the largest is captured and verified.' });
  });

  it('says the detector is loading, or failed and the fixed square is used', () => {
    expect(faceHint({ requested: 'face', status: 'loading' }, null)).toMatchObject({ kind: 'loading' });
    expect(faceHint({ requested: 'face', status: 'failed' }, null)).toMatchObject({
      kind: 'failed',
      text: expect.stringContaining('fixed centred square'),
    });
  });
});

describe('squareOf and the refusal message', () => {
  it('is the crop square of the chosen face, or none', () => {
    expect(squareOf(withFace)).toEqual({ x: 190, y: 90, size: 253, clamped: false });
    expect(squareOf(none)).toBeNull();
    expect(squareOf(null)).toBeNull();
    expect(noFaceCapture()).toBe('No face found (confidence below 0.5): nothing was captured.');
    expect(noFaceCapture(0.9)).toBe('No face found (confidence below 0.9): nothing was captured.');
  });
});
