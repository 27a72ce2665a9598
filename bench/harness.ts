/**
 * The bench's page script (bench/harness.html; built only by `npm run bench`, into
 * bench/results/.build, never into dist/). It runs the app's own modules in the production bundle
 * and hands plain data to the Node side (bench/node/run.ts) through `window.__bench`.
 */
import type { SelectBackendOptions } from '../src/model';
import type {
  AccuracySetup,
  BackendSpeed,
  BackendSpeedRequest,
  EnrolmentRequest,
  EnrolmentResult,
  IdentificationRequest,
  IdentificationResult,
  SetupInfo,
  VerifySpeedRequest,
  VerifySpeedResult,
} from './common/types';
import { accuracyRun, accuracySetup } from './page/accuracy';
import { identificationRun } from './page/identification';
import { importArchive, type ImportMeasure } from './page/import';
import { speedBackend, speedVerify } from './page/speed';

export interface BenchPage {
  speedBackend(req: BackendSpeedRequest): Promise<BackendSpeed>;
  speedVerify(req: VerifySpeedRequest, backend: SelectBackendOptions): Promise<VerifySpeedResult>;
  /** Imports the archive picked into the page's file input. */
  importArchive(): Promise<ImportMeasure>;
  accuracySetup(setup: AccuracySetup): Promise<SetupInfo>;
  /** One enrolment: one target, one variant (crop, start, augmentation, epochs), one condition. */
  accuracyRun(req: EnrolmentRequest): Promise<EnrolmentResult>;
  /** One model for several people on the accuracy set-up's frames, and every attempt identified among them. */
  identificationRun(req: IdentificationRequest): Promise<IdentificationResult>;
}

declare global {
  interface Window {
    __bench?: BenchPage;
  }
}

window.__bench = {
  speedBackend,
  speedVerify,
  importArchive: () => importArchive(document.getElementById('archive') as HTMLInputElement),
  accuracySetup,
  accuracyRun,
  identificationRun,
};
