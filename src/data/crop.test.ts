import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPTURE_CONFIG } from '../config';
import { captureSquare, importSquare } from './crop';

describe('crop geometry', () => {
  it('centres the 250 square in a 640×480 frame', () => {
    expect(captureSquare(640, 480, DEFAULT_CAPTURE_CONFIG)).toEqual({ x: 195, y: 115, size: 250 });
  });
  it('shrinks the square to a small frame and keeps it inside', () => {
    expect(captureSquare(200, 150, DEFAULT_CAPTURE_CONFIG)).toEqual({ x: 25, y: 0, size: 150 });
    expect(captureSquare(640, 480, { squareSize: 250, centerX: 1, centerY: 0 })).toEqual({ x: 390, y: 0, size: 250 });
  });
  it('takes the whole LFW photo and the centred square of others', () => {
    expect(importSquare(250, 250)).toEqual({ x: 0, y: 0, size: 250 });
    expect(importSquare(400, 300)).toEqual({ x: 50, y: 0, size: 300 });
  });
});
