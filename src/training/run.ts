/**
 * A training run for the app, in one call: `startRun(request, callbacks) → { stop, cancel, done }`
 * (in the spirit of Teachable Machine's `train(params, callbacks)`). It reads the samples' image
 * blobs, starts the training worker (client.ts), and — when the worker cannot run here (it failed
 * to load, or no tf.js backend starts inside a worker), or can only run a slower backend than this
 * page (e.g. no WebGL in workers) — runs the very same training session in this page instead, and
 * says so (`onPlace`).
 */
import { getSampleStore, personOf, type SampleKind, type SampleStore } from '../data';
import { currentBackend, isSoftwareRenderer, type BackendReport } from '../model';
import { startTraining, type RunCallbacks, type RunHandle, type RunPlace, type WorkerLike } from './client';
import { createSessionDeps } from './deps';
import { TrainingError } from './errors';
import type { PageMessage, ReadyInfo, RunRequest, RunResult, SampleBlob, StartRequest, TrainingSamples, WorkerMessage } from './protocol';
import { createTrainingSession, type SessionDeps } from './session';

/**
 * Every stored sample of the three training kinds with its blob (blobs are handles, not copies) and,
 * for anchors and positives, whose it is (personOf: the default person for records older than people).
 */
export async function loadTrainingSamples(store: SampleStore = getSampleStore()): Promise<TrainingSamples> {
  const read = async (kind: SampleKind): Promise<SampleBlob[]> => {
    const records = await store.listSamples(kind);
    const blobs = await store.getSampleBlobs(records.map((r) => r.id));
    return records.flatMap((r, i) => {
      const blob = blobs[i];
      const person = personOf(r);
      return blob ? [{ id: r.id, blob, ...(person !== null && { person }) }] : [];
    });
  };
  const [anchors, positives, negatives] = await Promise.all([read('anchor'), read('positive'), read('negative')]);
  return { anchors, positives, negatives };
}

/**
 * A stand-in for the Worker that runs the training session (session.ts) on this page's main
 * thread with the page's dependencies (deps.ts; tests replace some). Same messages as the worker,
 * delivered asynchronously like a worker's.
 */
export function createInPageWorker(overrides: Partial<Omit<SessionDeps, 'post'>> = {}): WorkerLike {
  let terminated = false;
  const target: WorkerLike = {
    onmessage: null,
    onerror: null,
    onmessageerror: null,
    postMessage: (message: PageMessage) => {
      // Stop at once (the session aborts before its next step); start asynchronously, like a
      // worker, so the caller finishes wiring before the first answer.
      if (message.type === 'stop') void session.handle(message);
      else setTimeout(() => void session.handle(message), 0);
    },
    terminate: () => {
      terminated = true;
    },
  };
  const session = createTrainingSession({
    ...createSessionDeps('page'),
    ...overrides,
    post: (message: WorkerMessage) => {
      if (!terminated) target.onmessage?.({ data: message } as MessageEvent<WorkerMessage>);
    },
  });
  return target;
}

/** Where the weights start, for the note under the buttons (nothing for a resumed run). */
export function startNote(info: Pick<ReadyInfo, 'startedFrom' | 'resumedFrom'>): string {
  if (info.resumedFrom) return '';
  return info.startedFrom === 'pretrained'
    ? 'Fine-tuning the pretrained face model on your captures. '
    : 'Training from random weights (from scratch). ';
}

/** Errors that mean "no worker here", not "this training cannot run". */
const NO_WORKER: ReadonlySet<TrainingError['code']> = new Set(['worker-failed', 'backend-failed']);

/**
 * A backend's rank for training speed and its name for the UI: WebGL on a GPU (2) ≫ WebAssembly
 * (1) ≫ WebGL on a software renderer or plain JavaScript (0), as planBackend orders them.
 */
function backendClass(b: BackendReport): { readonly rank: number; readonly label: string } {
  switch (b.backend) {
    case 'webgl':
      return b.renderer !== null && isSoftwareRenderer(b.renderer)
        ? { rank: 0, label: 'WebGL on a software renderer' }
        : { rank: 2, label: 'WebGL on the GPU' };
    case 'wasm':
      return { rank: 1, label: 'WebAssembly' };
    case 'cpu':
      return { rank: 0, label: 'plain JavaScript' };
  }
}

/**
 * Why training should leave the worker for this page: the worker could only start a slower kind of
 * backend than the page has (e.g. WebGL does not run in workers in this browser — no OffscreenCanvas
 * WebGL — while the page has WebGL on a GPU). Null when the worker's backend is as good, or the
 * page's is not known yet: the worker then keeps the page responsive.
 */
export function workerBackendShortfall(worker: BackendReport, page: BackendReport | null): string | null {
  if (page === null) return null;
  const w = backendClass(worker);
  const p = backendClass(page);
  if (w.rank >= p.rank) return null;
  return `The background worker could only train on ${w.label} here (${worker.reason}), while this page has ${p.label}`;
}

/** Starts a training run; see `createStartRun`. */
export type StartRun = (request: RunRequest, callbacks?: RunCallbacks) => RunHandle;

export interface StartRunDeps {
  readonly loadSamples?: () => Promise<TrainingSamples>;
  readonly start?: (request: StartRequest, callbacks: RunCallbacks, createWorker?: () => WorkerLike) => RunHandle;
  readonly createPageWorker?: () => WorkerLike;
  /** This page's backend, null before it was chosen (default: currentBackend()). */
  readonly pageBackend?: () => BackendReport | null;
}

/**
 * `startRun` with its dependencies (tests pass fakes). Training runs in the worker, except:
 * - when the worker cannot run at all (it fails to load, or no backend starts in it) before
 *   training started: the run starts again in this page;
 * - when the worker reports a slower backend than this page's (workerBackendShortfall): the
 *   worker is ended at once, before it decodes anything, and the run starts in this page.
 * Either way `onPlace('page', note)` says why. A stop before the samples are read reaches the run
 * as soon as it starts (it then stops before its first step).
 */
export function createStartRun(deps: StartRunDeps = {}): StartRun {
  const loadSamples = deps.loadSamples ?? (() => loadTrainingSamples());
  const start = deps.start ?? startTraining;
  const pageWorker = deps.createPageWorker ?? createInPageWorker;
  const pageBackend = deps.pageBackend ?? currentBackend;

  return (req: RunRequest, cb: RunCallbacks = {}): RunHandle => {
    let ready = false;
    let stopped = false;
    let cancelled = false;
    /** The run in this page that replaced the worker's, whose backend was slower. */
    let moved: Promise<RunResult> | null = null;
    /** The current run (worker or page), once the samples are read. */
    let current: RunHandle | null = null;

    const run = async (): Promise<RunResult> => {
      cb.onNote?.('Reading the stored samples…');
      const samples = await loadSamples();
      if (cancelled) throw new TrainingError('worker-failed', 'The training run was cancelled before it started');
      const request: StartRequest = { ...req, samples, backend: req.backend ?? 'auto' };

      const callbacks = (where: RunPlace, says: (backendReason: string) => string): RunCallbacks => ({
        ...cb,
        onBackend: (backend) => {
          cb.onBackend?.(backend);
          if (where !== 'worker' || stopped || moved) return;
          const why = workerBackendShortfall(backend, pageBackend());
          if (why === null) return;
          current?.cancel();
          moved = inPage(why);
        },
        onPreparing: (done, total) => {
          cb.onPreparing?.(done, total);
          cb.onNote?.(`Decoding the sample images: ${done} of ${total}…`);
        },
        onReady: (info) => {
          ready = true;
          cb.onPlace?.(where, `${startNote(info)}${says(info.backend.reason)}`);
          cb.onReady?.(info);
        },
        onCalibrating: (negatives) => {
          cb.onCalibrating?.(negatives);
          cb.onNote?.(`calibrating on ${negatives} faces that training did not use…`);
        },
      });
      /** Runs the same request in this page; `why` (a clause) says why not in the worker. */
      const inPage = (why: string): Promise<RunResult> => {
        cb.onNote?.(`${why}; training in this page instead…`);
        const says = (reason: string) => `${why}, so training runs in this page, which may respond slowly meanwhile. ${reason}.`;
        current = start(request, callbacks('page', says), pageWorker);
        return current.done;
      };

      const worker = start(
        request,
        callbacks('worker', (reason) => `Training runs in a background worker, so the page stays responsive. ${reason}.`),
      );
      current = worker;
      if (stopped) void worker.stop(); // Stop came while the samples were read
      try {
        const result = await worker.done;
        return moved ?? result;
      } catch (e) {
        if (moved) return moved; // the worker was cancelled for the page
        if (ready || stopped || !(e instanceof TrainingError) || !NO_WORKER.has(e.code)) throw e;
        return inPage(`The background worker could not run here (${e.message})`);
      }
    };

    const done = run();
    return {
      stop: async () => {
        stopped = true;
        await current?.stop();
      },
      cancel: () => {
        stopped = true;
        cancelled = true;
        current?.cancel();
      },
      done,
    };
  };
}

/** Starts a training run in the worker, or in this page when the worker cannot run or only slower (see createStartRun). */
export const startRun: StartRun = createStartRun();
