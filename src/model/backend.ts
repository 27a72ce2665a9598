import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerTrainableGradients } from './gradients';
import { errorMessage } from '../common';

/**
 * Backend choice for the browser (main thread or worker). WebGL when a real GPU backs it; when
 * WebGL is missing or runs on a software rasteriser (SwiftShader, llvmpipe…: far slower than
 * WebAssembly for convolutions), the wasm backend with SIMD and, where the page is cross-origin
 * isolated, threads; the plain JavaScript cpu backend last.
 */

export type BackendName = 'webgl' | 'wasm' | 'cpu';

export interface BackendReport {
  readonly backend: BackendName;
  /** Threads the backend computes with (wasm: XNNPACK's pool; webgl/cpu: 1). */
  readonly threads: number;
  /** Whether the wasm backend runs its SIMD build (false for webgl/cpu). */
  readonly simd: boolean;
  /** The WebGL renderer string, or null when WebGL is unavailable. */
  readonly renderer: string | null;
  /** One sentence for the UI: what runs and why. */
  readonly reason: string;
}

export type WasmBinary = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

export interface SelectBackendOptions {
  /** Use this backend (tests, benchmarks, or a switch after WebGL context loss). */
  readonly force?: BackendName;
  /** wasm threads when cross-origin isolated (default and maximum: `maxWasmThreads`). */
  readonly threads?: number;
  /** Where the wasm binaries are: a folder URL/path with a trailing slash, or one URL per file.
   * Default: the binaries bundled with the app (wasm-paths.ts). */
  readonly wasmPaths?: string | Readonly<Record<WasmBinary, string>>;
}

/** What the environment offers; `planBackend` turns it into a choice. */
export interface BackendProbe {
  /** The WebGL renderer string, or null when no WebGL context could be created. */
  readonly renderer: string | null;
  readonly wasmSimd: boolean;
  /** wasm threads are possible: SharedArrayBuffer + cross-origin isolation. */
  readonly wasmThreads: boolean;
  readonly hardwareConcurrency: number;
}

export interface BackendPlan {
  readonly backend: BackendName;
  /** Threads to ask the wasm backend for (1 when single-threaded). */
  readonly threads: number;
  /** Why: a clause the report's reason is built from. */
  readonly why: string;
}

const SOFTWARE_RENDERERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/swiftshader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/softpipe/i, 'softpipe'],
  [/lavapipe/i, 'lavapipe'],
  [/microsoft basic render/i, 'Microsoft Basic Render Driver'],
  [/mesa offscreen/i, 'Mesa OffScreen'],
  [/software/i, 'a software renderer'],
];

/** The name of the software rasteriser a WebGL renderer string names, or null for a real GPU. */
export function softwareRendererName(renderer: string): string | null {
  return SOFTWARE_RENDERERS.find(([re]) => re.test(renderer))?.[1] ?? null;
}

/** Whether a WebGL renderer string names a software rasteriser rather than a GPU. */
export function isSoftwareRenderer(renderer: string): boolean {
  return softwareRendererName(renderer) !== null;
}

/**
 * The most threads the wasm backend (4.22) will use: half the logical cores (it assumes two
 * hardware threads per core), at least 1 and at most 8 (its pthread pool); `setThreadsCount` can
 * only lower it. This is also the default.
 */
export function maxWasmThreads(hardwareConcurrency: number): number {
  return Math.min(8, Math.max(1, Math.floor((Math.floor(hardwareConcurrency) || 1) / 2)));
}

/** The choice for a probed environment (pure; `selectBackend` applies it). */
export function planBackend(probe: BackendProbe, options: Pick<SelectBackendOptions, 'force' | 'threads'> = {}): BackendPlan {
  const max = maxWasmThreads(probe.hardwareConcurrency);
  const threads = probe.wasmThreads ? Math.min(max, Math.max(1, Math.floor(options.threads ?? max))) : 1;
  if (options.force) return { backend: options.force, threads: options.force === 'wasm' ? threads : 1, why: 'chosen by the caller' };
  const software = probe.renderer === null ? null : softwareRendererName(probe.renderer);
  if (probe.renderer !== null && software === null) return { backend: 'webgl', threads: 1, why: 'WebGL runs on the GPU' };
  const why =
    probe.renderer === null ? 'WebGL is not available here' : `WebGL here is a software renderer (${software}) and would be far slower`;
  return { backend: 'wasm', threads, why };
}

/** The sentence the UI shows for a backend choice (e.g. "WebAssembly, 1 thread, SIMD: …"). */
export function describeBackend(backend: BackendName, threads: number, simd: boolean, renderer: string | null, why: string): string {
  switch (backend) {
    case 'webgl': {
      const software = renderer === null ? null : softwareRendererName(renderer);
      const where = software ? `WebGL on ${software}, not a GPU (slow)` : 'WebGL on the GPU';
      return `${where}${renderer ? ` (${renderer})` : ''}${why === 'WebGL runs on the GPU' ? '' : `: ${why}`}`;
    }
    case 'wasm': {
      const what = `WebAssembly, ${threads} thread${threads === 1 ? '' : 's'}${simd ? ', SIMD' : ''}`;
      const single = threads === 1 && !globalThis.crossOriginIsolated ? ' (single-threaded: the page is not cross-origin isolated)' : '';
      return `${what}: ${why}${single}`;
    }
    case 'cpu':
      return `Plain JavaScript (slow): ${why}`;
  }
}

/** The WebGL renderer string of a throwaway context, or null when WebGL is unavailable. */
export function probeWebGLRenderer(): string | null {
  try {
    const canvas: HTMLCanvasElement | OffscreenCanvas | null =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(1, 1)
        : typeof document !== 'undefined'
          ? document.createElement('canvas')
          : null;
    if (canvas === null) return null;
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | WebGL2RenderingContext | null;
    if (gl === null) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return null;
  }
}

async function probe(): Promise<BackendProbe> {
  const [simd, threads] = await Promise.all([
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  ]);
  return {
    renderer: probeWebGLRenderer(),
    wasmSimd: simd === true,
    wasmThreads: threads === true && globalThis.crossOriginIsolated === true,
    hardwareConcurrency: typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 1,
  };
}

let wasmConfigured = false;

async function configureWasm(plan: BackendPlan, probed: BackendProbe, options: SelectBackendOptions): Promise<void> {
  if (wasmConfigured) return; // the wasm module initialises once per page
  const paths = options.wasmPaths ?? (await import('./wasm-paths')).WASM_PATHS;
  setWasmPaths(typeof paths === 'string' ? paths : { ...paths });
  // tf.js decides threads from SharedArrayBuffer alone; without isolation they cannot work.
  if (!probed.wasmThreads) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setThreadsCount(plan.threads);
  wasmConfigured = true;
}

let current: BackendReport | null = null;

/**
 * Picks, initialises and reports the backend (see the module comment); registers the trainable
 * gradients. Falls back down webgl → wasm → cpu when a backend fails to start. Call again with
 * `force: 'wasm'` after WebGL context loss (see `onBackendLost`).
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendReport> {
  registerTrainableGradients();
  const probed = await probe();
  const plan = planBackend(probed, options);
  const order: BackendName[] = plan.backend === 'webgl' ? ['webgl', 'wasm', 'cpu'] : plan.backend === 'wasm' ? ['wasm', 'cpu'] : ['cpu'];
  const failures: string[] = [];
  for (const backend of order) {
    try {
      if (backend === 'wasm') await configureWasm(plan, probed, options);
      if (!(await tf.setBackend(backend))) throw new Error('did not initialise');
      await tf.ready();
    } catch (e) {
      failures.push(`${backend} failed (${errorMessage(e)})`);
      continue;
    }
    const threads = backend === 'wasm' ? getThreadsCount() : 1;
    const simd = backend === 'wasm' && probed.wasmSimd;
    const why = failures.length > 0 ? failures.join('; ') : plan.why;
    current = { backend, threads, simd, renderer: probed.renderer, reason: describeBackend(backend, threads, simd, probed.renderer, why) };
    if (backend === 'webgl') watchContextLoss();
    return current;
  }
  throw new Error(`No tf.js backend could start: ${failures.join('; ')}`);
}

/** The last report of `selectBackend`, or null before it ran. */
export function currentBackend(): BackendReport | null {
  return current;
}

// ---------------------------------------------------------------------------------------------
// WebGL context loss

export interface BackendLostEvent {
  readonly backend: 'webgl';
  /** For the UI: what happened and what to do. */
  readonly message: string;
}

type LostListener = (event: BackendLostEvent) => void;
const lostListeners = new Set<LostListener>();
let watchedCanvas: EventTarget | null = null;

interface WebGLBackendInternals {
  readonly gpgpu?: { readonly gl?: { readonly canvas?: EventTarget } };
}

function watchContextLoss(): void {
  const canvas = (tf.findBackend('webgl') as unknown as WebGLBackendInternals | null)?.gpgpu?.gl?.canvas;
  if (!canvas || canvas === watchedCanvas || typeof canvas.addEventListener !== 'function') return;
  watchedCanvas = canvas;
  canvas.addEventListener('webglcontextlost', () => {
    const event: BackendLostEvent = {
      backend: 'webgl',
      message:
        'The GPU context was lost (a driver reset, or the GPU ran out of memory). Tensors held on the GPU are gone: switch to WebAssembly (selectBackend({ force: "wasm" })) and reload the model.',
    };
    lostListeners.forEach((cb) => cb(event));
  });
}

/**
 * Calls `cb` when the WebGL backend's context is lost. Returns an unsubscribe function. After a
 * loss every webgl tensor (model weights included) is invalid: switch backend and reload.
 */
export function onBackendLost(cb: LostListener): () => void {
  lostListeners.add(cb);
  return () => lostListeners.delete(cb);
}
