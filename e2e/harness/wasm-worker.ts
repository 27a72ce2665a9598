/**
 * Module worker for the harness: runs the wasm check off the main thread and posts the report.
 * The message may carry `hardwareConcurrency` to emulate a machine with that many logical cores
 * (CDP's override reaches only the page, not its workers; tfjs sizes its pool from this value).
 */
import { wasmCheck } from './wasm-check';
import { errorMessage } from '../../src/common';

self.onmessage = (e: MessageEvent<{ hardwareConcurrency?: number }>) => {
  const cores = e.data.hardwareConcurrency;
  if (cores) Object.defineProperty(self.navigator, 'hardwareConcurrency', { get: () => cores, configurable: true });
  wasmCheck().then(
    (report) => self.postMessage({ report }),
    (err: unknown) => self.postMessage({ error: errorMessage(err) }),
  );
};
