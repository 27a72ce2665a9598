import { useEffect, useRef, useState } from 'react';
import { CameraError, grabSquare } from '../../camera';
import { preprocess } from '../../model';
import { decide, defaultNextTick, runVerificationLoop } from '../../verify';
import { useCameraState } from '../camera/CameraContext';
import { useModel } from '../model/ModelContext';
import { useSamples } from '../samples/SamplesContext';
import { overlayState } from './overlayState';
import { pauseAfterFrame } from './pacing';
import { useVerifierSync, useVerify } from './VerifyContext';
import './verify.css';

interface FrameScores {
  readonly scores: readonly number[];
  readonly latencyMs: number;
}

/** After a failed frame, the loop starts again after this pause. */
const RETRY_MS = 1000;

/**
 * The live verdict over the camera preview. While a model and verification images exist and the
 * camera runs, it verifies frame after frame (never two at once; between frames the page gets an
 * animation frame and a share of the time, see pacing.ts); the thresholds apply instantly to the
 * last frame's scores.
 */
export function VerificationOverlay() {
  const model = useModel();
  const camera = useCameraState();
  const samples = useSamples();
  const { engine, embedding, thresholds, pause } = useVerify();
  useVerifierSync(model.net, samples.version);

  const [frame, setFrame] = useState<FrameScores | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const thresholdsRef = useRef(thresholds);
  useEffect(() => {
    thresholdsRef.current = thresholds;
  }, [thresholds]);

  const decision = frame ? decide(frame.scores, thresholds) : null;
  const view = overlayState({
    model: model.status,
    verificationCount: samples.counts.verification,
    camera: { ready: camera.ready },
    paused: pause,
    embedding,
    detectionThreshold: thresholds.detectionThreshold,
    result: decision && frame ? { decision, latencyMs: frame.latencyMs } : null,
    error,
  });

  const { net } = model;
  const { video, square } = camera;
  const run = view.running && net !== null && video !== null && square !== null;
  useEffect(() => {
    if (!run) return;
    const controller = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    let lastLatency = 0;
    runVerificationLoop({
      nextTick: async () => {
        await defaultNextTick();
        const pause = pauseAfterFrame(lastLatency);
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      },
      grab: () => {
        try {
          return preprocess(grabSquare(video, square), net.config.inputSize);
        } catch (e) {
          if (e instanceof CameraError && e.code === 'no-frame') return null;
          throw e;
        }
      },
      verify: (f) => engine.verify(net, f, thresholdsRef.current),
      onResult: ({ result, latencyMs }) => {
        lastLatency = latencyMs;
        if (!result) return;
        setFrame({ scores: result.scores, latencyMs });
        setError(null);
      },
      signal: controller.signal,
    }).catch((e: unknown) => {
      if (controller.signal.aborted) return;
      setError(`Verification failed: ${e instanceof Error ? e.message : String(e)}. Retrying…`);
      retry = setTimeout(() => setAttempt((a) => a + 1), RETRY_MS);
    });
    return () => {
      controller.abort();
      if (retry !== undefined) clearTimeout(retry);
      setFrame(null);
    };
  }, [run, net, video, square, engine, attempt]);

  return (
    <div className={`verify-overlay verify-overlay-${view.kind}`} role="status" aria-live="polite" aria-atomic="true">
      <div className="verify-overlay-verdict" data-testid="verdict" data-kind={view.kind}>
        {view.verdict}
      </div>
      <div className="verify-overlay-details" data-testid="verdict-details">
        {view.details}
      </div>
    </div>
  );
}
