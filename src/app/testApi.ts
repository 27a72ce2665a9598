import { getSampleStore, type KindCounts } from '../data';

/**
 * window.__sfid: a narrow, read-only view of the app for the Playwright tests (tldraw-style). It
 * lets a test read what it cannot read from the page (tensor counts, the backend), never set or
 * fake anything a test checks.
 */
export interface SfidTestApi {
  /** Stored samples per kind, read from IndexedDB (not from the UI). */
  counts(): Promise<KindCounts>;
  /** tf.memory().numTensors, for leak checks (tf.js is imported on first call). */
  numTensors(): Promise<number>;
  /** The backend report of the model layer (null until it selected one). */
  backend(): unknown;
  /** Whether the camera delivers frames. */
  cameraReady(): boolean;
}

export interface TestApiSources {
  readonly backend: () => unknown;
  readonly cameraReady: () => boolean;
}

declare global {
  interface Window {
    __sfid?: SfidTestApi;
  }
}

/** Installs window.__sfid; returns a function that removes it. */
export function installTestApi(sources: TestApiSources): () => void {
  const api: SfidTestApi = Object.freeze({
    counts: () => getSampleStore().countByKind(),
    numTensors: async () => {
      const tf = await import('@tensorflow/tfjs');
      return tf.memory().numTensors;
    },
    backend: () => sources.backend(),
    cameraReady: () => sources.cameraReady(),
  });
  window.__sfid = api;
  return () => {
    if (window.__sfid === api) delete window.__sfid;
  };
}
