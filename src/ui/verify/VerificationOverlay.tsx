import { useEffect, useRef, useState } from 'react';
import { decide, defaultNextTick, runVerificationLoop, verifyCropped } from '../../verify';
import { useCameraState } from '../camera/CameraContext';
import { useCaptureSettings } from '../camera/CaptureSettings';
import { grabPixels } from '../camera/grabPixels';
import { useModel } from '../model/ModelContext';
import { useSamples } from '../samples/SamplesContext';
import { useCropSource } from './cropSource';
import { overlayState, type OverlayFace } from './overlayState';
import { pauseAfterFrame } from './pacing';
import { useVerifierSync, useVerify } from './VerifyContext';
import './verify.css';
import { errorMessage } from '../../common';

interface FrameScores {
  /** Null when no face was found on the frame (face mode): it was not verified. */
  readonly scores: readonly number[] | null;
  readonly latencyMs: number;
  readonly face: OverlayFace | null;
}

/** After a failed frame, the loop starts again after this pause. */
const RETRY_MS = 1000;

/**
 * The live verdict over the camera preview. While a model and verification images exist and the
 * camera runs, it verifies frame after frame (never two at once; between frames the page gets an
 * animation frame and a share of the time, see pacing.ts); the thresholds apply instantly to the
 * last frame's scores. In face mode each frame is grabbed once, its face detected (through the
 * page's face tracker, so the preview shows that detection too), cropped, preprocessed and
 * verified; a frame without a face says NO FACE and is never granted.
 */
export function VerificationOverlay() {
  const model = useModel();
  const camera = useCameraState();
  const samples = useSamples();
  const source = useCropSource();
  const { engine, embedding, thresholds, pause } = useVerify();
  const { faceThreshold } = useCaptureSettings().config;
  useVerifierSync(model.net, samples.version);

  const [frame, setFrame] = useState<FrameScores | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const thresholdsRef = useRef(thresholds);
  useEffect(() => {
    thresholdsRef.current = thresholds;
  }, [thresholds]);

  const decision = frame?.scores ? decide(frame.scores, thresholds) : null;
  const view = overlayState({
    model: model.status,
    verificationCount: samples.counts.verification,
    camera: { ready: camera.ready },
    paused: pause,
    embedding,
    detectionThreshold: thresholds.detectionThreshold,
    faceThreshold,
    faceLoading: source === 'loading',
    result: frame ? { decision, latencyMs: frame.latencyMs, face: frame.face } : null,
    error,
  });

  const { net } = model;
  const { video } = camera;
  const crop = source === 'loading' ? null : source;
  const run = view.running && net !== null && video !== null && crop !== null;
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
        const pixels = grabPixels(video);
        // Pixels are plain memory; the crop's tensor is released by verifyCropped.
        return pixels && { pixels, dispose: () => undefined };
      },
      verify: async (f) => {
        // The frame's input for this model (the face-recognition network's describer included)
        // exists once the verifier is ready; before, the frame has no result.
        const input = engine.frameInput(net);
        if (!input) return { square: null, face: null, result: null };
        return verifyCropped(f.pixels, crop, input, (tensor) => engine.verify(net, tensor, thresholdsRef.current));
      },
      onResult: ({ result: { face, result }, latencyMs }) => {
        lastLatency = latencyMs;
        const faceSummary: OverlayFace | null = face && {
          score: face.crop?.face.score ?? null,
          count: face.found,
          detectMs: face.detectMs,
        };
        if (face && face.crop === null) setFrame({ scores: null, latencyMs, face: faceSummary });
        else if (result) setFrame({ scores: result.scores, latencyMs, face: faceSummary });
        else return; // the verifier is being rebuilt: no result for this frame
        setError(null);
      },
      signal: controller.signal,
    }).catch((e: unknown) => {
      if (controller.signal.aborted) return;
      setError(`Verification failed: ${errorMessage(e)}. Retrying…`);
      retry = setTimeout(() => setAttempt((a) => a + 1), RETRY_MS);
    });
    return () => {
      controller.abort();
      if (retry !== undefined) clearTimeout(retry);
      setFrame(null);
    };
  }, [run, net, video, crop, engine, attempt]);

  return (
    <div className={`verify-overlay verify-overlay-${view.kind}`} role="status" aria-live="polite" aria-atomic="true">
      <div className="verify-overlay-verdict" data-testid="verdict" data-kind={view.kind}>
        {view.verdict}
      </div>
      <div className="verify-overlay-details" data-testid="verdict-details">
        {view.details}
      </div>
      {view.face && (
        <div className="verify-overlay-details" data-testid="verdict-face">
          {view.face}
        </div>
      )}
    </div>
  );
}
