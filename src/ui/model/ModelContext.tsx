import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useMessages } from '../common/Messages';
import {
  deleteNetwork,
  disposeNetwork,
  loadAppModel,
  onBackendLost,
  recoverLostBackend,
  saveNetwork,
  startAppBackend,
  type AppBackend,
  type BackendReport,
  type ModelSource,
  type NetworkMeta,
  type SiameseNetwork,
} from '../../model';
import { TRAINED_MODEL_KEY } from '../../training';
import { DEFAULT_FACEREC_CONFIG, faceModelOf, type FaceModel } from '../../config';
import { getSettingsStore } from '../../data';
import { resetSharedFaceDescriber } from '../../facerec';

/** The IndexedDB key of the app's model: where the training worker saves the trained network. */
const MODEL_KEY = TRAINED_MODEL_KEY;

export type ModelStatus = 'loading' | 'none' | 'ready' | 'error';

/** Which network is the app's model (src/model app-model.ts). */
export type { ModelSource, PretrainedInfo } from '../../model';

export interface ModelState {
  /** The tf.js backend of this page (null until selected) and why it was chosen. */
  readonly backend: BackendReport | null;
  /** Set when the backend had to change while running (WebGL context lost), for the UI to say so. */
  readonly backendNotice: string | null;
  readonly net: SiameseNetwork | null;
  readonly meta: NetworkMeta | null;
  /** 'ready' when `net` is set (trained or pretrained); 'none'/'error' only when neither loaded. */
  readonly status: ModelStatus;
  /** Where `net` comes from (null while there is no net). */
  readonly source: ModelSource | null;
  /**
   * What went wrong, even when a net is ready: the stored model could not be loaded (the pretrained
   * one is used instead), or the pretrained one could not be loaded either (status 'error'/'none').
   */
  readonly error: string | null;
  /** A remark that is not an error, e.g. that the pretrained weights could not be kept in storage. */
  readonly note: string | null;
  /** Makes `net` the app's model: saves it to IndexedDB, then replaces (and frees) the old one. */
  setNetwork(net: SiameseNetwork, meta: NetworkMeta): Promise<void>;
  /** Reloads the stored model (after the training worker saved a new one); none stored: the pretrained one. */
  reload(): Promise<void>;
  /** Deletes the stored (trained or imported) model; the pretrained model takes its place. */
  clear(): Promise<void>;
  /**
   * The face model chosen for training (the Train panel's setting): while no model is stored, its
   * pretrained network is the app's model, so choosing another one loads that one.
   */
  setFaceModel(faceModel: FaceModel): void;
  /**
   * Marks `net` in use until the returned function is called: a replaced network is freed only
   * once nobody uses it (a verification frame may be running on it).
   */
  use(net: SiameseNetwork): () => void;
}

const ModelContext = createContext<ModelState | null>(null);

type Current = Pick<ModelState, 'net' | 'meta' | 'status' | 'source' | 'error' | 'note'>;

const LOADING: Current = { net: null, meta: null, status: 'loading', source: null, error: null, note: null };

/** Frees replaced networks once no user holds them. */
function useRetirement() {
  const users = useRef(new Map<SiameseNetwork, number>());
  const retired = useRef(new Set<SiameseNetwork>());
  const use = useCallback((net: SiameseNetwork) => {
    users.current.set(net, (users.current.get(net) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (users.current.get(net) ?? 1) - 1;
      if (left > 0) return void users.current.set(net, left);
      users.current.delete(net);
      if (retired.current.delete(net)) disposeNetwork(net);
    };
  }, []);
  const retire = useCallback((net: SiameseNetwork) => {
    if (users.current.has(net)) retired.current.add(net);
    else disposeNetwork(net);
  }, []);
  return { use, retire };
}

/**
 * Holds the app's trained model; loads the stored one on mount (loadAppModel). The verification
 * state (VerifyProvider) goes inside it (App.tsx nests them).
 */
export function ModelProvider({ children }: { children: ReactNode }) {
  const [current, setCurrent] = useState<Current>(LOADING);
  const { use, retire } = useRetirement();
  const netRef = useRef<SiameseNetwork | null>(null);
  const currentRef = useRef<Current>(LOADING);

  const replace = useCallback(
    (next: Current) => {
      const old = netRef.current;
      netRef.current = next.net;
      currentRef.current = next;
      setCurrent(next);
      if (old && old !== next.net) retire(old);
    },
    [retire],
  );

  // Operations may overlap (a slow load, then an import): only the newest one's result is applied.
  const seq = useRef(0);

  const { notify } = useMessages();
  const [backend, setBackend] = useState<BackendReport | null>(null);
  const [backendNotice, setNotice] = useState<string | null>(null);
  const backendReady = useRef<Promise<unknown> | null>(null);
  const setBackendNotice = useCallback(
    (text: string) => {
      setNotice(text);
      notify('error', text);
    },
    [notify],
  );

  /** Shows a started (or failed) backend and its notice. */
  const apply = useCallback(
    ({ report, notice }: AppBackend) => {
      if (report) setBackend(report);
      if (notice) setBackendNotice(notice);
    },
    [setBackendNotice],
  );

  // The chosen face model (the settings store's model setting until the Train panel says otherwise).
  const faceModel = useRef<Promise<FaceModel> | null>(null);
  const chosenFaceModel = useCallback(
    () =>
      (faceModel.current ??= getSettingsStore()
        .get('model')
        .then(faceModelOf, () => faceModelOf(DEFAULT_FACEREC_CONFIG))),
    [],
  );

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    await backendReady.current;
    const chosen = await chosenFaceModel();
    // No trained model (or an unreadable one): the pretrained model verifies until Train (loadAppModel).
    // When it is the current model already (and its backend is alive), it stays.
    const pretrainedInUse = () => {
      const now = currentRef.current;
      return now.source === 'pretrained' && now.net !== null && now.net === netRef.current
        ? { net: now.net, meta: now.meta, note: now.note }
        : null;
    };
    const { model: next, reused } = await loadAppModel({
      key: MODEL_KEY,
      baseUrl: import.meta.env.BASE_URL,
      faceModel: chosen,
      pretrainedInUse,
    });
    if (mine === seq.current) replace(next);
    else if (next.net && !reused) disposeNetwork(next.net);
  }, [replace, chosenFaceModel]);

  // Select the backend, then load the stored model: once per page (StrictMode runs mount effects
  // twice; the model is large).
  useEffect(() => {
    if (backendReady.current) return;
    const ready = startAppBackend().then(apply);
    backendReady.current = ready;
    void ready.then(reload);
  }, [apply, reload]);

  // WebGL context lost: WebAssembly instead, and the model again from IndexedDB (recoverLostBackend).
  useEffect(
    () =>
      onBackendLost(() => {
        // The lost network's tensors cannot be freed normally any more; the face describer's
        // weights were on the lost backend too, so it loads again on the next one.
        netRef.current = null;
        void resetSharedFaceDescriber().catch(() => undefined);
        const ready = recoverLostBackend().then(apply);
        backendReady.current = ready;
        void ready.then(reload);
      }),
    [apply, reload],
  );

  const setNetwork = useCallback(
    async (net: SiameseNetwork, meta: NetworkMeta) => {
      const mine = ++seq.current;
      await saveNetwork(net, MODEL_KEY, meta);
      if (mine !== seq.current) throw new Error('Another model was loaded meanwhile; this one was saved but not used.');
      replace({ net, meta, status: 'ready', source: 'trained', error: null, note: null });
    },
    [replace],
  );

  const clear = useCallback(async () => {
    ++seq.current;
    await deleteNetwork(MODEL_KEY);
    await reload();
  }, [reload]);

  const setFaceModel = useCallback(
    (next: FaceModel) => {
      void chosenFaceModel().then((was) => {
        faceModel.current = Promise.resolve(next);
        const now = currentRef.current;
        // A load in flight for the other face model is superseded (reload drops an older result).
        if (was !== next && now.source !== 'trained') void reload();
      });
    },
    [reload, chosenFaceModel],
  );

  const value = useMemo<ModelState>(
    () => ({ ...current, backend, backendNotice, setNetwork, reload, clear, use, setFaceModel }),
    [current, backend, backendNotice, setNetwork, reload, clear, use, setFaceModel],
  );
  return <ModelContext.Provider value={value}>{children}</ModelContext.Provider>;
}

export function useModel(): ModelState {
  const state = useContext(ModelContext);
  if (!state) throw new Error('useModel must be used inside <ModelProvider>');
  return state;
}
