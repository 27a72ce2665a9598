/**
 * Simulated webcam frames in the page: a photo drawn into a 640×480 canvas on a neutral grey
 * background where bench/common/frame.ts places it, read back as RGBA ImageData (what the app's
 * camera frame grab gives the detector and `preprocess`).
 */
import { DEFAULT_FRAME_SPEC, type FrameSpec, type Placement } from '../common/frame';

export async function fetchBlob(url: string): Promise<Blob> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.blob();
}

/** Decodes an image with the browser's decoder. */
export async function decodeBitmap(blob: Blob, what: string): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(blob);
  } catch (e) {
    throw new Error(`${what} could not be decoded: ${String(e)}`);
  }
}

/** The photo drawn at `p` (bilinear scaling, clipped at the edges) into a frame of the spec's size. */
export function renderFrame(photo: ImageBitmap, p: Placement, spec: FrameSpec = DEFAULT_FRAME_SPEC): ImageData {
  const canvas = new OffscreenCanvas(spec.width, spec.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas context for the simulated frame');
  const g = Math.round(spec.background);
  ctx.fillStyle = `rgb(${g}, ${g}, ${g})`;
  ctx.fillRect(0, 0, spec.width, spec.height);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'medium';
  ctx.drawImage(photo, p.x, p.y, p.width, p.height);
  return ctx.getImageData(0, 0, spec.width, spec.height);
}

/** A placement with the photo 1:1 in the middle of the frame (the speed parts' frame). */
export function centred(photo: { width: number; height: number }, spec: FrameSpec = DEFAULT_FRAME_SPEC): Placement {
  return {
    x: Math.round((spec.width - photo.width) / 2),
    y: Math.round((spec.height - photo.height) / 2),
    width: photo.width,
    height: photo.height,
    scale: 1,
    shiftX: 0,
    shiftY: 0,
  };
}

/** The speed parts' frame: the photo at `url`, centred 1:1. */
export async function centredFrame(url: string): Promise<ImageData> {
  const bitmap = await decodeBitmap(await fetchBlob(url), url);
  try {
    return renderFrame(bitmap, centred(bitmap));
  } finally {
    bitmap.close();
  }
}
