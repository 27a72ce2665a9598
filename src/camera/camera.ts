/**
 * getUserMedia start/stop and frame grabbing. No tf.js and no React: the grabbers return ImageData
 * and Blobs that the model and data layers take from here.
 */
import type { Square } from '../data';
import { CameraError, toCameraError } from './errors';

export type FacingMode = 'user' | 'environment';

export interface CameraOptions {
  /** Which camera to prefer (default 'user', the front-facing one). Ignored when deviceId is set. */
  readonly facingMode?: FacingMode;
  /** Ideal frame size; the browser picks the closest it can deliver (default 640×480). */
  readonly width?: number;
  readonly height?: number;
  /** A specific camera from enumerateDevices(). */
  readonly deviceId?: string;
  /** Where getUserMedia comes from (default `navigator.mediaDevices`); for embedding and tests. */
  readonly mediaDevices?: Pick<MediaDevices, 'getUserMedia'>;
}

export const DEFAULT_CAMERA_OPTIONS = { facingMode: 'user', width: 640, height: 480 } as const satisfies CameraOptions;

export interface CameraHandle {
  readonly stream: MediaStream;
  /** Size of the frames the camera delivers (the video's intrinsic size), in pixels. */
  readonly width: number;
  readonly height: number;
  /** Stops every track and detaches the stream from the video. Safe to call more than once. */
  stop(): void;
}

/** The getUserMedia constraints for the options (exported for tests). */
export function cameraConstraints(opts: CameraOptions = {}): MediaStreamConstraints {
  const { facingMode, width, height } = { ...DEFAULT_CAMERA_OPTIONS, ...opts };
  const video: MediaTrackConstraints = { width: { ideal: width }, height: { ideal: height } };
  if (opts.deviceId) video.deviceId = { exact: opts.deviceId };
  else video.facingMode = facingMode;
  return { video, audio: false };
}

function stopStream(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

/** Resolves once the video knows its intrinsic size. */
function whenSized(video: HTMLVideoElement): Promise<void> {
  if (video.videoWidth > 0 && video.videoHeight > 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      video.removeEventListener('loadedmetadata', done);
      video.removeEventListener('error', fail);
      resolve();
    };
    const fail = () => {
      video.removeEventListener('loadedmetadata', done);
      video.removeEventListener('error', fail);
      reject(video.error ?? new Error('video error'));
    };
    video.addEventListener('loadedmetadata', done);
    video.addEventListener('error', fail);
  });
}

/**
 * Asks for the camera (front-facing, ideally 640×480), plays it in `video` (muted, inline) and
 * resolves once frames have a size. Rejects with a CameraError whose code says what the user can do.
 */
export async function startCamera(video: HTMLVideoElement, opts: CameraOptions = {}): Promise<CameraHandle> {
  const mediaDevices = opts.mediaDevices ?? globalThis.navigator?.mediaDevices;
  if (typeof mediaDevices?.getUserMedia !== 'function') throw new CameraError('insecure-context');

  let stream: MediaStream;
  try {
    stream = await mediaDevices.getUserMedia(cameraConstraints(opts));
  } catch (err) {
    throw toCameraError(err);
  }

  try {
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
    await whenSized(video);
  } catch (err) {
    stopStream(stream);
    if (video.srcObject === stream) video.srcObject = null;
    throw toCameraError(err);
  }

  const settings = stream.getVideoTracks()[0]?.getSettings();
  const width = video.videoWidth || settings?.width || 0;
  const height = video.videoHeight || settings?.height || 0;
  return {
    stream,
    width,
    height,
    stop: () => {
      stopStream(stream);
      if (video.srcObject === stream) video.srcObject = null;
    },
  };
}

/** Stops the camera stream playing in `video` (if any) and detaches it. */
export function stopCamera(video: HTMLVideoElement): void {
  const source = video.srcObject;
  if (source && typeof source === 'object' && 'getTracks' in source) stopStream(source);
  video.srcObject = null;
}

type Context2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
interface Surface {
  readonly canvas: OffscreenCanvas | HTMLCanvasElement;
  readonly ctx: Context2D;
}

/**
 * Drawing surfaces, one per output size, reused across calls: grabbing a frame allocates only the
 * ImageData it returns. The app uses two or three sizes (frame, capture square, model input).
 */
const surfaces = new Map<string, Surface>();
const MAX_SURFACES = 4;

function surface(width: number, height: number): Surface {
  const key = `${width}x${height}`;
  const cached = surfaces.get(key);
  if (cached) return cached;
  const canvas =
    typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(width, height)
      : Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d', { willReadFrequently: true, alpha: false }) as Context2D | null;
  if (!ctx) throw new Error(`camera: no 2D canvas context for a ${width}×${height} surface`);
  if (surfaces.size >= MAX_SURFACES) surfaces.delete(surfaces.keys().next().value as string);
  const s = { canvas, ctx };
  surfaces.set(key, s);
  return s;
}

function frameSize(video: HTMLVideoElement): { width: number; height: number } {
  const { videoWidth: width, videoHeight: height } = video;
  if (!(width > 0 && height > 0) || video.readyState < 2 /* HAVE_CURRENT_DATA */) throw new CameraError('no-frame');
  return { width, height };
}

function checkSquare(square: Square, width: number, height: number): void {
  const { x, y, size } = square;
  if (!(size > 0 && x >= 0 && y >= 0 && x + size <= width && y + size <= height)) {
    throw new RangeError(`camera: square ${JSON.stringify(square)} is not inside the ${width}×${height} frame`);
  }
}

/** The current frame as ImageData (RGBA, the video's intrinsic size). */
export function grabFrame(video: HTMLVideoElement): ImageData {
  const { width, height } = frameSize(video);
  const { ctx } = surface(width, height);
  ctx.drawImage(video, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

function drawSquare(video: HTMLVideoElement, square: Square, outSize: number): Surface {
  const { width, height } = frameSize(video);
  checkSquare(square, width, height);
  if (!(Number.isInteger(outSize) && outSize > 0)) throw new RangeError(`camera: output size ${outSize} is not a positive integer`);
  const s = surface(outSize, outSize);
  s.ctx.drawImage(video, square.x, square.y, square.size, square.size, 0, 0, outSize, outSize);
  return s;
}

/**
 * The pixels of `square` (e.g. `captureSquare(...)` from src/data/crop) in the current frame, at
 * the square's own resolution or scaled to `outSize`×`outSize`.
 */
export function grabSquare(video: HTMLVideoElement, square: Square, outSize: number = square.size): ImageData {
  const { ctx } = drawSquare(video, square, outSize);
  return ctx.getImageData(0, 0, outSize, outSize);
}

/** The capture square of the current frame, encoded at capture resolution (for storing a sample). */
export function squareToBlob(video: HTMLVideoElement, square: Square, type = 'image/jpeg', quality = 0.92): Promise<Blob> {
  const { canvas } = drawSquare(video, square, square.size);
  // Both encoders snapshot the bitmap synchronously, so reusing the surface right after is safe.
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality });
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(`camera: could not encode the square as ${type}`))), type, quality);
  });
}
