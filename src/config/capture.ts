/** Capturing samples from the camera: the capture square and the face-confidence threshold. */
import { checkInt, checkNum, ConfigError } from './check';

/** How the capture square is placed: around the detected face, or the reference's fixed square. */
export type CropMode = 'face' | 'fixed';

export interface CaptureConfig {
  /**
   * 'face': the square follows the detected face (src/face crop rule), captures and verification
   * need a face. 'fixed': the reference's fixed square (squareSize, centerX, centerY).
   */
  readonly cropMode: CropMode;
  /** Side of the capture square in source pixels (reference: 250). */
  readonly squareSize: number;
  /**
   * Centre of the capture square as a fraction of the frame (0.5, 0.5 = centred). The reference
   * sliced rows 120:370 and columns 200:450 of a 640×480 frame, i.e. a centred square.
   */
  readonly centerX: number;
  readonly centerY: number;
  /** Captures per second while a capture key is held. */
  readonly repeatPerSecond: number;
  /**
   * Face mode: a face counts (for a capture, and before a verification frame is scored) only with
   * a detection confidence ≥ this. From FACE_THRESHOLD_RANGE: the detector itself keeps faces
   * from DEFAULT_FACE_CONFIG.scoreThreshold (0.5) up, so the setting can only be stricter.
   */
  readonly faceThreshold: number;
}

export const DEFAULT_CAPTURE_CONFIG: CaptureConfig = {
  cropMode: 'face',
  squareSize: 250,
  centerX: 0.5,
  centerY: 0.5,
  repeatPerSecond: 4,
  faceThreshold: 0.5,
};

/** The face-confidence threshold's allowed range: from the detector's own cut-off to 0.99. */
export const FACE_THRESHOLD_RANGE = { min: 0.5, max: 0.99 } as const;

export function validateCaptureConfig(partial: Partial<CaptureConfig> = {}): CaptureConfig {
  const c = { ...DEFAULT_CAPTURE_CONFIG, ...partial };
  if (c.cropMode !== 'face' && c.cropMode !== 'fixed') throw new ConfigError('cropMode', c.cropMode, "expected 'face' or 'fixed'");
  checkInt('squareSize', c.squareSize, 16, 4096);
  checkNum('centerX', c.centerX, 0, 1);
  checkNum('centerY', c.centerY, 0, 1);
  checkNum('repeatPerSecond', c.repeatPerSecond, 0, 30, true);
  checkNum('faceThreshold', c.faceThreshold, FACE_THRESHOLD_RANGE.min, FACE_THRESHOLD_RANGE.max);
  return { ...c };
}
