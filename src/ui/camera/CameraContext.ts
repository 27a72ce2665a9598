import { createContext, useContext } from 'react';
import type { CameraError } from '../../camera';
import type { Square } from '../../data';

/** The live camera, as every component that shows or grabs its frames sees it. */
export interface CameraState {
  /** The <video> the stream plays in (unmirrored pixels; the preview mirrors it with CSS). */
  readonly video: HTMLVideoElement | null;
  /** True while frames are flowing: grabbing a frame will work. */
  readonly ready: boolean;
  /** Why the camera is not running, when it failed. */
  readonly error: CameraError | null;
  /**
   * The fixed capture square in frame pixels (captureSquare with the capture config). In face mode
   * the square follows the face instead (FaceContext).
   */
  readonly square: Square | null;
  readonly frameSize: { readonly width: number; readonly height: number } | null;
}

export const CameraContext = createContext<CameraState>({ video: null, ready: false, error: null, square: null, frameSize: null });

export function useCameraState(): CameraState {
  return useContext(CameraContext);
}

/**
 * How <CameraView> hands its <video> element to <CameraProvider>, and asks for a retry. Internal
 * to src/ui/camera.
 */
export interface CameraControls {
  attachVideo(video: HTMLVideoElement | null): void;
  retry(): void;
  /** 'starting' while getUserMedia/play are pending, 'paused' while the page is hidden. */
  readonly phase: CameraPhase;
}
export type CameraPhase = 'idle' | 'starting' | 'running' | 'paused' | 'failed';

export const CameraControlsContext = createContext<CameraControls | null>(null);

export function useCameraControls(): CameraControls {
  const c = useContext(CameraControlsContext);
  if (!c) throw new Error('useCameraControls must be used inside <CameraProvider>');
  return c;
}
