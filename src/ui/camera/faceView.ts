/**
 * What the preview and the capture controls say about faces. Pure: the components render exactly
 * this.
 */
import { DEFAULT_FACE_CONFIG } from '../../config';
import type { Square } from '../../data';
import type { FaceFrame } from '../../verify';
import type { FaceState } from './FaceContext';

/** The capture square of a detection: the crop of its chosen face, or none. */
export function squareOf(frame: FaceFrame | null): Square | null {
  return frame?.crop?.square ?? null;
}

export type FaceHintKind = 'loading' | 'no-face' | 'multiple' | 'failed';

export interface FaceHint {
  readonly kind: FaceHintKind;
  readonly tone: 'info' | 'warn';
  readonly text: string;
}

/** Why a capture was refused in face mode: no face reached the face-confidence threshold on that frame. */
export const noFaceCapture = (threshold: number = DEFAULT_FACE_CONFIG.scoreThreshold): string =>
  `No face found (confidence below ${threshold}): nothing was captured.`;

/** The hint over the preview, or null when there is nothing to say. */
export function faceHint(face: Pick<FaceState, 'requested' | 'status'>, frame: FaceFrame | null): FaceHint | null {
  if (face.requested === 'fixed') return null;
  if (face.status === 'failed') return { kind: 'failed', tone: 'warn', text: 'Face detector unavailable: using the fixed centred square.' };
  if (face.status === 'loading') return { kind: 'loading', tone: 'info', text: 'Loading the face detector…' };
  if (frame === null) return null;
  if (frame.crop === null) return { kind: 'no-face', tone: 'warn', text: 'No face found: look at the camera. Captures wait for a face.' };
  if (frame.crop.multiple) return { kind: 'multiple', tone: 'info', text: `${frame.found} faces: the largest is captured and verified.` };
  return null;
}
