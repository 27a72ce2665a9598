import { useEffect, useRef, useState } from 'react';
import { livenessConfigOf } from '../../config';
import { createRng } from '../../data';
import { LivenessCheck, type LivenessState } from '../../liveness';
import { defaultNextTick, identify, runVerificationLoop, verifyCropped, type PersonDecision } from '../../verify';
import { usePeople } from '../people/PeopleContext';
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
  /** Whose each score's verification image is (the engine's order). */
  readonly owners: readonly string[];
  readonly latencyMs: number;
  readonly face: OverlayFace | null;
  /** When the frame was grabbed (performance.now()). */
  readonly at: number;
  /** The liveness check after this frame (null when the check is off or cannot run). */
  readonly liveness: LivenessState | null;
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
 *
 * With the liveness check on (face mode only: it needs the detector's keypoints), each frame's face
 * is also refined in its own region and fed with the identity decision to a LivenessCheck; access
 * is granted only once the person turned their head to the side the check asked for.
 */
export function VerificationOverlay() {
  const model = useModel();
  const camera = useCameraState();
  const samples = useSamples();
  const source = useCropSource();
  const { engine, embedding, thresholds, pause, liveness: livenessSettings, livenessSeed, reportLiveness } = useVerify();
  const { faceThreshold } = useCaptureSettings().config;
  useVerifierSync(model.net, samples.version);

  const [frame, setFrame] = useState<FrameScores | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const thresholdsRef = useRef(thresholds);
  useEffect(() => {
    thresholdsRef.current = thresholds;
  }, [thresholds]);

  const people = usePeople();
  const peopleRef = useRef(people.people);
  useEffect(() => {
    peopleRef.current = people.people;
  }, [people.people]);
  // The thresholds and people apply at once to the last frame's scores.
  const identification = frame?.scores ? identify(frame.scores, frame.owners, people.people.list, thresholds, people.people.margin) : null;
  const decision = identification?.best ? { ...identification.best, granted: identification.granted } : null;
  const named = (d: PersonDecision | null) => d && { name: people.nameOf(d.person), detection: d.detection, n: d.n };
  const identity = identification && {
    granted: identification.person === null ? null : people.nameOf(identification.person),
    reason: identification.reason,
    best: named(identification.best),
    runnerUp: named(identification.runnerUp),
    margin: people.people.margin,
  };
  const { net } = model;
  const { video } = camera;
  const crop = source === 'loading' ? null : source;
  const livenessOn = livenessSettings.mode === 'head-turn';
  // The check needs the face detector's keypoints: in fixed-square mode it cannot run, and then
  // nothing is granted while it is on.
  const livenessAvailable = crop?.mode === 'face';
  const view = overlayState({
    model: model.status,
    verificationCount: samples.counts.verification,
    camera: { ready: camera.ready },
    paused: pause,
    embedding,
    detectionThreshold: thresholds.detectionThreshold,
    faceThreshold,
    faceLoading: source === 'loading',
    result: frame ? { decision, latencyMs: frame.latencyMs, face: frame.face, at: frame.at, identity } : null,
    error,
    liveness: livenessOn ? { mode: 'head-turn', available: livenessAvailable, state: frame?.liveness ?? null } : { mode: 'off' },
  });

  const run = view.running && net !== null && video !== null && crop !== null;
  useEffect(() => {
    if (!run) return;
    const controller = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    let lastLatency = 0;
    // A new check for every run of the loop: a new model, crop, setting or seed starts afresh.
    const check =
      livenessOn && crop.mode === 'face'
        ? new LivenessCheck(livenessConfigOf(livenessSettings), livenessSeed === null ? undefined : createRng(livenessSeed))
        : null;
    reportLiveness(null);
    runVerificationLoop({
      nextTick: async () => {
        await defaultNextTick();
        const pause = pauseAfterFrame(lastLatency);
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      },
      grab: () => {
        const at = performance.now();
        const pixels = grabPixels(video);
        // Pixels are plain memory; the crop's tensor is released by verifyCropped.
        return pixels && { pixels, at, dispose: () => undefined };
      },
      verify: async (f) => {
        // The frame's input for this model (the face-recognition network's describer included)
        // exists once the verifier is ready; before, the frame has no result.
        const input = engine.frameInput(net);
        if (!input) return { at: f.at, square: null, face: null, refined: null, result: null };
        const out = await verifyCropped(f.pixels, crop, input, (tensor) => engine.verify(net, tensor, thresholdsRef.current), {
          refine: check !== null,
        });
        return { ...out, at: f.at };
      },
      onResult: ({ result: { face, refined, result, at }, latencyMs }) => {
        lastLatency = latencyMs;
        const faceSummary: OverlayFace | null = face && {
          score: face.crop?.face.score ?? null,
          count: face.found,
          detectMs: face.detectMs,
        };
        const noFace = face !== null && face.crop === null;
        const owners = engine.owners(net);
        if (!noFace && (!result || !owners || owners.length !== result.scores.length)) return; // the verifier is being rebuilt: no result for this frame
        const { list, margin } = peopleRef.current;
        const granted = result ? identify(result.scores, owners!, list, thresholdsRef.current, margin).granted : false;
        const liveness = check?.update({ at, faces: face?.found ?? 0, keypoints: refined?.keypoints ?? null, identity: granted }) ?? null;
        reportLiveness(liveness);
        setFrame({ scores: noFace ? null : result!.scores, owners: owners ?? [], latencyMs, face: faceSummary, at, liveness });
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
  }, [run, net, video, crop, engine, attempt, livenessOn, livenessSettings, livenessSeed, reportLiveness]);

  return (
    <div className={`verify-overlay verify-overlay-${view.kind}`} role="status" aria-live="polite" aria-atomic="true">
      <div
        className="verify-overlay-verdict"
        data-testid="verdict"
        data-kind={view.kind}
        data-liveness={view.liveness.tag}
        data-liveness-side={view.liveness.side ?? undefined}
        data-liveness-reason={view.liveness.reason ?? undefined}
        data-person={view.kind === 'granted' ? (identification?.person ?? undefined) : undefined}
        data-identification={identification?.reason}
      >
        {view.verdict}
      </div>
      {view.person && (
        <div className="verify-overlay-person" data-testid="verdict-person">
          {view.person}
        </div>
      )}
      <div className="verify-overlay-details" data-testid="verdict-details">
        {view.details}
      </div>
      <div className="verify-overlay-details" data-testid="verdict-liveness">
        {view.liveness.text}
      </div>
      {view.face && (
        <div className="verify-overlay-details" data-testid="verdict-face">
          {view.face}
        </div>
      )}
    </div>
  );
}
