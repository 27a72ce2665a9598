/**
 * Test-only page script (e2e/harness/index.html, built only with E2E_HARNESS=1 into
 * e2e/.generated/dist, never into dist/). It runs real modules of the app inside the production
 * build and reports plain data to the specs through `window.__harness`:
 *
 * - wasmCheck() / wasmCheckInWorker(): the threaded wasm backend (tfjs-backend-wasm) on the page
 *   and inside a dedicated module worker (as training runs), see wasm-check.ts;
 * - cameraProbe(): src/camera against Chromium's fake camera;
 * - webglCheck(): a forward pass on WebGL compared with wasm, see webgl-check.ts.
 */
import { CameraError, grabFrame, grabSquare, squareToBlob, startCamera } from '../../src/camera';
import { DEFAULT_CAPTURE_CONFIG } from '../../src/config';
import { captureSquare, type Square } from '../../src/data';
import { wasmCheck, type WasmReport } from './wasm-check';
import { webglCheck, type WebglReport } from './webgl-check';

export type { WasmReport, WebglReport };

export type CameraProbe =
  | { readonly ok: false; readonly code: string; readonly errorName: string | null; readonly message: string }
  | {
      readonly ok: true;
      readonly width: number;
      readonly height: number;
      readonly frame: { readonly width: number; readonly height: number };
      readonly square: Square;
      /** RGBA of the capture square at capture resolution, base64. */
      readonly squareRgba: string;
      readonly small: { readonly width: number; readonly height: number };
      readonly blob: { readonly type: string; readonly size: number; readonly width: number; readonly height: number };
      readonly tracksEndedAfterStop: boolean;
    };

export interface Harness {
  wasmCheck(): Promise<WasmReport>;
  /** `hardwareConcurrency` emulates that many logical cores inside the worker. */
  wasmCheckInWorker(hardwareConcurrency?: number): Promise<WasmReport>;
  cameraProbe(): Promise<CameraProbe>;
  /** A small siamese forward pass on WebGL and on wasm with the same weights (webgl-check.ts). */
  webglCheck(): Promise<WebglReport>;
}

declare global {
  interface Window {
    __harness?: Harness;
  }
}

function toBase64(bytes: Uint8ClampedArray): string {
  let s = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) s += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(s);
}

/** Resolves after the video has presented `n` new frames. */
async function frames(video: HTMLVideoElement, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
}

async function cameraProbe(): Promise<CameraProbe> {
  const video = document.getElementById('video') as HTMLVideoElement;
  let cam;
  try {
    cam = await startCamera(video);
  } catch (err) {
    if (err instanceof CameraError) return { ok: false, code: err.code, errorName: err.errorName ?? null, message: err.message };
    throw err;
  }
  try {
    await frames(video, 2);
    const square = captureSquare(cam.width, cam.height, DEFAULT_CAPTURE_CONFIG);
    const frame = grabFrame(video);
    const sq = grabSquare(video, square);
    const small = grabSquare(video, square, 100);
    const blob = await squareToBlob(video, square);
    const bitmap = await createImageBitmap(blob);
    const blobInfo = { type: blob.type, size: blob.size, width: bitmap.width, height: bitmap.height };
    bitmap.close();
    cam.stop();
    return {
      ok: true,
      width: cam.width,
      height: cam.height,
      frame: { width: frame.width, height: frame.height },
      square,
      squareRgba: toBase64(sq.data),
      small: { width: small.width, height: small.height },
      blob: blobInfo,
      tracksEndedAfterStop: cam.stream.getTracks().every((t) => t.readyState === 'ended') && video.srcObject === null,
    };
  } finally {
    cam.stop();
  }
}

/** Runs wasmCheck in a module worker bundled the way the app bundles its training worker. */
function wasmCheckInWorker(hardwareConcurrency?: number): Promise<WasmReport> {
  const worker = new Worker(new URL('./wasm-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<WasmReport>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ report?: WasmReport; error?: string }>) => {
      worker.terminate();
      if (e.data.report) resolve(e.data.report);
      else reject(new Error(`wasm check failed in the worker: ${e.data.error}`));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`wasm worker error: ${e.message}`));
    };
    worker.postMessage({ hardwareConcurrency });
  });
}

window.__harness = { wasmCheck, wasmCheckInWorker, cameraProbe, webglCheck };
