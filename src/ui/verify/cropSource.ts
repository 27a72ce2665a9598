import { useMemo } from 'react';
import type { CropSource } from '../../verify';
import { useCameraState } from '../camera/CameraContext';
import { useFace } from '../camera/FaceContext';

/**
 * How verification crops a frame now: the face crop through the page's face tracker (face mode),
 * the fixed square, 'loading' while the face detector loads, or null without a camera.
 */
export function useCropSource(): CropSource | 'loading' | null {
  const { square } = useCameraState();
  const { mode, tracker } = useFace();
  return useMemo(() => {
    if (mode === 'loading') return 'loading';
    if (mode === 'face' && tracker) return { mode: 'face', detect: (pixels) => tracker.detect(pixels), refine: tracker.refine };
    return square ? { mode: 'fixed', square } : null;
  }, [mode, tracker, square]);
}
