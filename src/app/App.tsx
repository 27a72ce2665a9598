import { useEffect, useRef } from 'react';
import {
  AboutButton,
  useCameraState,
  CameraProvider,
  CameraView,
  CaptureProvider,
  useCapture,
  CaptureControls,
  CaptureSettingsProvider,
  CropModeControl,
  FaceProvider,
  useFace,
  useFaceFrame,
  backendLabel,
  MessagesProvider,
  ImportButton,
  ModelFilesPanel,
  ModelProvider,
  useModel,
  NegativesStatus,
  PeopleBar,
  PeopleProvider,
  SamplesPanel,
  SamplesProvider,
  StorageIndicator,
  TrainingPanel,
  VerificationOverlay,
  VerificationPanel,
  VerifyProvider,
  useVerify,
} from '../ui';
import { ErrorBoundary } from './ErrorBoundary';
import { installTestApi, type CaptureInfo, type FaceInfo, type LivenessInfo } from './testApi';

/** The model layer's backend report, or null while the model context carries none. */
function useBackendReport(): unknown {
  const model = useModel();
  return 'backend' in model ? (model.backend ?? null) : null;
}

function BackendBadge() {
  const label = backendLabel(useBackendReport());
  if (!label) return null;
  return (
    <span className="badge badge-backend" title={label.detail ?? `tf.js backend: ${label.text}`} data-testid="backend-badge">
      {label.text}
    </span>
  );
}

/** window.__sfid for the e2e tests: reads the latest backend, camera and face state through refs. */
function TestApiBridge() {
  const backend = useBackendReport();
  const { ready } = useCameraState();
  const { mode, status } = useFace();
  const frame = useFaceFrame();
  const { last } = useCapture();
  const capture: CaptureInfo | null = last && { kind: last.kind, square: last.square };
  const face: FaceInfo = {
    mode,
    status,
    frame: frame && {
      found: frame.found,
      score: frame.crop?.face.score ?? null,
      square: frame.crop?.square ?? null,
      detectMs: frame.detectMs,
    },
  };
  const verify = useVerify();
  const latest = useRef({ backend, ready, face, capture, verify });
  useEffect(() => {
    latest.current = { backend, ready, face, capture, verify };
  });
  useEffect(
    () =>
      installTestApi({
        backend: () => latest.current.backend,
        cameraReady: () => latest.current.ready,
        face: () => latest.current.face,
        lastCapture: () => latest.current.capture,
        liveness: (): LivenessInfo => {
          const { liveness, latestLiveness } = latest.current.verify;
          const s = liveness.mode === 'off' ? null : latestLiveness();
          return {
            mode: liveness.mode,
            state: s?.kind ?? null,
            side: s && 'side' in s ? s.side : null,
            reason: s?.kind === 'denied' ? s.reason : null,
          };
        },
        setLivenessSeed: (seed) => latest.current.verify.setLivenessSeed(seed),
      }),
    [],
  );
  return null;
}

function Shell() {
  return (
    <div className="app">
      <header className="app-header">
        <div className="app-title">
          <h1>Siamese Face ID</h1>
          <BackendBadge />
        </div>
        <div className="app-header-tools">
          <StorageIndicator />
          <AboutButton />
        </div>
      </header>
      <main className="app-main">
        <section className="app-camera" aria-label="Camera and capture">
          <CameraView>
            <VerificationOverlay />
          </CameraView>
          <CropModeControl />
          <PeopleBar />
          <CaptureControls />
          <NegativesStatus />
        </section>
        <div className="app-panels">
          <SamplesPanel actions={<ImportButton />} />
          <TrainingPanel />
          <VerificationPanel />
          <ModelFilesPanel />
        </div>
      </main>
      <footer className="app-footer">Everything stays on this device: no image, sample or model leaves your browser.</footer>
    </div>
  );
}

export function App() {
  return (
    <ErrorBoundary>
      <MessagesProvider>
        <ModelProvider>
          <VerifyProvider>
            <SamplesProvider>
              <PeopleProvider>
                <CaptureSettingsProvider>
                  <CameraProvider>
                    <FaceProvider>
                      <CaptureProvider>
                        <TestApiBridge />
                        <Shell />
                      </CaptureProvider>
                    </FaceProvider>
                  </CameraProvider>
                </CaptureSettingsProvider>
              </PeopleProvider>
            </SamplesProvider>
          </VerifyProvider>
        </ModelProvider>
      </MessagesProvider>
    </ErrorBoundary>
  );
}
