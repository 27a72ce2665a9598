import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../common';
import { DEFAULT_CAPTURE_CONFIG, type CropMode } from '../../config';
import {
  getSettingsStore,
  importImages,
  type ImportItem,
  type ImportProgress,
  type ImportSummary,
  type LocateSquare,
  type SampleKind,
} from '../../data';
import { useModel } from '../model/ModelContext';
import { useSamples } from '../samples/SamplesContext';
import { createImportLocate } from '../../face';

/** Where an import stands: what the dialog shows. */
export type ImportRunState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'running'; readonly kind: SampleKind; readonly progress: ImportProgress | null; readonly preparing?: string }
  | { readonly phase: 'done'; readonly kind: SampleKind; readonly summary: ImportSummary }
  | { readonly phase: 'failed'; readonly message: string };

export interface ImportRun {
  readonly state: ImportRunState;
  readonly running: boolean;
  /** Imports `items` into the `kind` gallery; ignored while an import runs or when there are none. */
  start(items: readonly ImportItem[], kind: SampleKind): Promise<void>;
  /** Imports dropped items once they are read (read them inside the drop handler: see filesFromDataTransfer). */
  startDropped(items: Promise<readonly ImportItem[]>, kind: SampleKind): void;
  /** Cancels the running import; what was imported before is kept. */
  cancel(): void;
  /** Back to idle (the dialog closes). */
  reset(): void;
}

/** Counts in the gallery tabs climb during a long import, but not on every file. */
const REFRESH_EVERY_MS = 700;

/**
 * Waits until the model context has selected the tf.js backend (the face detector's weights must
 * load on it); rejects with the signal's reason when aborted first.
 */
function useBackendReady(): (signal: AbortSignal) => Promise<void> {
  const { backend } = useModel();
  const ready = useRef(backend !== null);
  const waiters = useRef(new Set<() => void>());
  useEffect(() => {
    ready.current = backend !== null;
    if (!ready.current) return;
    for (const wake of waiters.current) wake();
    waiters.current.clear();
  }, [backend]);
  return useCallback(
    (signal: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        if (ready.current) return resolve();
        const wake = () => {
          signal.removeEventListener('abort', stop);
          resolve();
        };
        const stop = () => {
          waiters.current.delete(wake);
          reject(signal.reason);
        };
        waiters.current.add(wake);
        signal.addEventListener('abort', stop, { once: true });
      }),
    [],
  );
}

/** The capture crop mode from the settings (imports follow it), re-read whenever the dialog opens. */
export function useCropMode(open: boolean): CropMode {
  const [mode, setMode] = useState<CropMode>(DEFAULT_CAPTURE_CONFIG.cropMode);
  useEffect(() => {
    if (!open) return;
    let live = true;
    void getSettingsStore()
      .get('capture')
      .then((c) => live && setMode(c.cropMode));
    return () => {
      live = false;
    };
  }, [open]);
  return mode;
}

/**
 * One import at a time, in the page without blocking it (the data layer yields every frame), with
 * progress, cancel and a summary. Images are cropped by the capture's crop mode in force when the
 * import starts: around the largest face (the page's face detector, loaded once the backend is
 * chosen), or the centred square. An import still running when the component unmounts is cancelled.
 */
export function useImportRun(): ImportRun {
  const [state, setState] = useState<ImportRunState>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const { refresh } = useSamples();
  const backendReady = useBackendReady();

  useEffect(() => () => abort.current?.abort(), []);

  const start = useCallback(
    async (items: readonly ImportItem[], kind: SampleKind) => {
      if (items.length === 0 || abort.current) return;
      const ac = new AbortController();
      abort.current = ac;
      setState({ phase: 'running', kind, progress: null });
      let lastRefresh = performance.now();
      try {
        // The mode in force now (settings may have changed since the dialog opened).
        const { cropMode: mode } = await getSettingsStore().get('capture');
        let locate: LocateSquare<ImageBitmap> | undefined;
        if (mode === 'face') {
          setState({ phase: 'running', kind, progress: null, preparing: 'Loading the face detector…' });
          try {
            await backendReady(ac.signal);
            locate = await createImportLocate();
          } catch (e) {
            if (ac.signal.aborted) return setState({ phase: 'done', kind, summary: { imported: 0, skipped: [], cancelled: true } });
            throw new Error(`the face detector could not be loaded (${errorMessage(e)}). Imports with the fixed crop still work.`, {
              cause: e,
            });
          }
        }
        const summary = await importImages(items, {
          kind,
          signal: ac.signal,
          ...(locate && { locate }),
          onProgress: (progress) => {
            setState({ phase: 'running', kind, progress });
            if (performance.now() - lastRefresh > REFRESH_EVERY_MS) {
              lastRefresh = performance.now();
              void refresh();
            }
          },
        });
        setState({ phase: 'done', kind, summary });
      } catch (e) {
        setState({ phase: 'failed', message: errorMessage(e) });
      } finally {
        abort.current = null;
        void refresh();
      }
    },
    [backendReady, refresh],
  );

  const startDropped = useCallback(
    (items: Promise<readonly ImportItem[]>, kind: SampleKind) => {
      items.then(
        (read) => start(read, kind),
        (err: unknown) => setState({ phase: 'failed', message: `Could not read the dropped items: ${errorMessage(err)}` }),
      );
    },
    [start],
  );

  const cancel = useCallback(() => abort.current?.abort(), []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);

  return { state, running: state.phase === 'running', start, startDropped, cancel, reset };
}
