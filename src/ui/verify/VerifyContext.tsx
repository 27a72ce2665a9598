import * as tf from '@tensorflow/tfjs';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { DEFAULT_VERIFY_CONFIG } from '../../config';
import { decodeImage } from '../../data/image';
import { getSampleStore } from '../../data/samples';
import { getSettingsStore } from '../../data/storage';
import { preprocess, type SiameseNetwork } from '../../model';
import type { Thresholds } from '../../verify';
import { useModel } from '../model/ModelContext';
import { VerificationEngine, type EngineSnapshot } from './engine';

/**
 * Verification state shared by the overlay and the Verify panel: the one verifier (with cached
 * embeddings), the thresholds (remembered in the settings store) and a pause switch (training
 * pauses live verification so the two do not fight over the processor).
 */
export interface VerifyState {
  readonly engine: VerificationEngine;
  readonly embedding: EngineSnapshot;
  readonly thresholds: Thresholds;
  setThresholds(t: Thresholds): void;
  /** Why live verification is paused, or null. */
  readonly pause: string | null;
  setPause(reason: string | null): void;
}

const VerifyContext = createContext<VerifyState | null>(null);

/** Decodes and preprocesses stored verification images into one batch, yielding between images. */
async function loadVerificationImages(ids: readonly string[], inputSize: number, onProgress: (done: number) => void): Promise<tf.Tensor4D> {
  const blobs = await getSampleStore().getSampleBlobs(ids);
  const tensors: tf.Tensor3D[] = [];
  try {
    for (let i = 0; i < ids.length; i++) {
      const blob = blobs[i];
      if (!blob) continue; // deleted meanwhile
      const bitmap = await decodeImage(blob, `verification image ${ids[i]}`);
      try {
        tensors.push(preprocess(bitmap, inputSize));
      } finally {
        bitmap.close();
      }
      onProgress(i + 1);
    }
    if (tensors.length === 0) return tf.zeros([0, inputSize, inputSize, 3]);
    return tf.stack(tensors) as tf.Tensor4D;
  } finally {
    tf.dispose(tensors);
  }
}

async function listVerificationIds(): Promise<string[]> {
  return (await getSampleStore().listSamples('verification')).map((r) => r.id);
}

export function VerifyProvider({ children }: { children: ReactNode }) {
  const { use } = useModel();
  const [engine] = useState(() => new VerificationEngine({ listIds: listVerificationIds, loadImages: loadVerificationImages, use }));
  const embedding = useSyncExternalStore(engine.subscribe, engine.getSnapshot);
  const [thresholds, setThresholdsState] = useState<Thresholds>(DEFAULT_VERIFY_CONFIG);
  const [pause, setPause] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    getSettingsStore()
      .get('verify')
      .then(
        (v) => {
          if (!cancelled) setThresholdsState(v);
        },
        () => undefined, // the defaults stay
      );
    return () => {
      cancelled = true;
    };
  }, []);

  const setThresholds = useCallback((t: Thresholds) => {
    setThresholdsState(t);
    getSettingsStore()
      .set('verify', t)
      .catch(() => undefined); // remembering is best effort; the value applies now either way
  }, []);

  const value = useMemo<VerifyState>(
    () => ({ engine, embedding, thresholds, setThresholds, pause, setPause }),
    [engine, embedding, thresholds, setThresholds, pause],
  );
  return <VerifyContext.Provider value={value}>{children}</VerifyContext.Provider>;
}

export function useVerify(): VerifyState {
  const v = useContext(VerifyContext);
  if (!v) throw new Error('useVerify must be used inside <ModelProvider>');
  return v;
}

/**
 * Keeps the verifier in step with the model and the stored verification images (re-embeds only
 * when they changed). Safe to call from several components: builds are shared.
 */
export function useVerifierSync(net: SiameseNetwork | null, samplesVersion: number): void {
  const { engine } = useVerify();
  useEffect(() => {
    void engine.ensure(net, samplesVersion);
  }, [engine, net, samplesVersion]);
}
