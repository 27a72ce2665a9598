/**
 * The Train panel's adapter to the training client (src/training client.ts): reads the samples'
 * image blobs, starts the training worker, and — when the worker cannot run here (it failed to
 * load, or no tf.js backend starts inside a worker) — runs the very same training session in this
 * page instead, and says so.
 */
import { decodeImage } from '../../data/image';
import { getSampleStore, type SampleKind, type SampleStore } from '../../data/samples';
import { currentBackend, loadStartingNetwork, preprocess, saveNetwork, selectBackend } from '../../model';
import {
  createIdbCheckpointStore,
  createTrainingSession,
  startTraining,
  TRAINED_MODEL_KEY,
  TrainingError,
  type PageMessage,
  type ReadyInfo,
  type SampleBlob,
  type SessionDeps,
  type StartRequest,
  type TrainingCallbacks,
  type TrainingHandle,
  type TrainingSamples,
  type TrainResult,
  type WorkerLike,
  type WorkerMessage,
} from '../../training';
import type { RunCallbacks, RunHandle, RunPlace, RunRequest, StartRun } from './useTrainingRun';

/** Every stored sample of the three training kinds with its blob (blobs are handles, not copies). */
export async function loadTrainingSamples(store: SampleStore = getSampleStore()): Promise<TrainingSamples> {
  const read = async (kind: SampleKind): Promise<SampleBlob[]> => {
    const records = await store.listSamples(kind);
    const blobs = await store.getSampleBlobs(records.map((r) => r.id));
    return records.flatMap((r, i) => {
      const blob = blobs[i];
      return blob ? [{ id: r.id, blob }] : [];
    });
  };
  const [anchors, positives, negatives] = await Promise.all([read('anchor'), read('positive'), read('negative')]);
  return { anchors, positives, negatives };
}

/** Pause between training steps when training runs in the page. */
const PAGE_YIELD_MS = 100;

/** The page's session dependencies (tests replace some). */
function pageSessionDeps(): Omit<SessionDeps, 'post'> {
  return {
    decode: async (sample, inputSize) => {
      const bitmap = await decodeImage(sample.blob, sample.id);
      try {
        return preprocess(bitmap, inputSize);
      } finally {
        bitmap.close();
      }
    },
    // This page's backend: switching it would invalidate the loaded model.
    selectBackend: async () => currentBackend() ?? selectBackend(),
    checkpoints: createIdbCheckpointStore(),
    saveModel: (net, meta) => saveNetwork(net, TRAINED_MODEL_KEY, meta),
    initialNetwork: (config, start) => loadStartingNetwork(import.meta.env.BASE_URL, config, start === 'scratch'),
    // A step blocks this thread for its whole duration: between steps, give the page time to
    // render the progress and handle input (Stop) before the next one.
    yieldBetweenBatches: () => new Promise((resolve) => setTimeout(resolve, PAGE_YIELD_MS)),
  };
}

/**
 * A stand-in for the Worker that runs the training session (src/training session.ts) on this
 * page's main thread. Same messages as the worker, delivered asynchronously like a worker's.
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
    ...pageSessionDeps(),
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
  return info.startedFrom === 'pretrained' ? 'Fine-tuning the pretrained face model on your captures. ' : 'Training from random weights (from scratch). ';
}

/** Errors that mean "no worker here", not "this training cannot run". */
const NO_WORKER: ReadonlySet<TrainingError['code']> = new Set(['worker-failed', 'backend-failed']);

export interface StartRunDeps {
  readonly loadSamples?: () => Promise<TrainingSamples>;
  readonly start?: (request: StartRequest, callbacks: TrainingCallbacks, createWorker?: () => WorkerLike) => TrainingHandle;
  readonly createPageWorker?: () => WorkerLike;
}

/** The adapter with its dependencies (tests pass fakes). */
export function createStartRun(deps: StartRunDeps = {}): StartRun {
  const loadSamples = deps.loadSamples ?? (() => loadTrainingSamples());
  const start = deps.start ?? startTraining;
  const pageWorker = deps.createPageWorker ?? createInPageWorker;

  return async (req: RunRequest, cb: RunCallbacks): Promise<RunHandle> => {
    cb.onNote('Reading the stored samples…');
    const samples = await loadSamples();
    const request: StartRequest = {
      samples,
      modelConfig: req.model,
      trainingConfig: req.training,
      resume: req.resume,
      backend: 'auto',
      thresholds: req.thresholds,
    };
    let ready = false;
    let stopped = false;
    const callbacks = (where: RunPlace, says: (backendReason: string) => string): TrainingCallbacks => ({
      onPreparing: (done, total) => cb.onNote(`Decoding the sample images: ${done} of ${total}…`),
      onReady: (info) => {
        ready = true;
        cb.onReady(where, `${startNote(info)}${says(info.backend.reason)}`, { train: info.trainPairs, test: info.testPairs });
      },
      onProgress: cb.onBatch,
      onEpoch: cb.onEpoch,
      onCheckpoint: cb.onCheckpoint,
    });

    let current = start(request, callbacks('worker', (reason) => `Training runs in a background worker, so the page stays responsive. ${reason}.`));
    const done: Promise<TrainResult> = current.done.catch((e: unknown) => {
      if (ready || stopped || !(e instanceof TrainingError) || !NO_WORKER.has(e.code)) throw e;
      cb.onNote(`The training worker could not run here (${e.message}); training in this page instead…`);
      const says = (reason: string) => `The background worker could not run here (${e.message}), so training runs in this page, which may respond slowly meanwhile. ${reason}.`;
      current = start(request, callbacks('page', says), pageWorker);
      return current.done;
    });
    return {
      stop: () => {
        stopped = true;
        void current.stop();
      },
      done,
    };
  };
}

export const startRun: StartRun = createStartRun();
