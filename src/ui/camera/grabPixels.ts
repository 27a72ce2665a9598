import { CameraError, grabFrame } from '../../camera';

/** The current frame's pixels, or null while the video has no frame yet (other errors throw). */
export function grabPixels(video: HTMLVideoElement): ImageData | null {
  try {
    return grabFrame(video);
  } catch (e) {
    if (e instanceof CameraError && e.code === 'no-frame') return null;
    throw e;
  }
}
