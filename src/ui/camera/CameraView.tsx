import type { ReactNode } from 'react';
import type { Square } from '../../data';
import { useCameraControls, useCameraState } from './CameraContext';
import { useCapture } from './CaptureContext';
import { useFace, useFaceFrame } from './FaceContext';
import { faceHint, squareOf } from './faceView';
import './face.css';

const DEFAULT_FRAME = { width: 640, height: 480 } as const;

/** The capture square over the preview, in frame coordinates (the SVG is mirrored like the video). */
function SquareLayer({
  square,
  w,
  h,
  mode,
  children,
}: {
  square: Square | null;
  w: number;
  h: number;
  mode: string;
  children?: ReactNode;
}) {
  return (
    <svg
      className="camera-square camera-mirrored"
      viewBox={`0 0 ${w} ${h}`}
      preserveAspectRatio="none"
      aria-hidden="true"
      data-testid="capture-square"
      data-mode={mode}
    >
      {square && (
        <>
          <path
            className="camera-square-mask"
            fillRule="evenodd"
            d={`M0 0H${w}V${h}H0Z M${square.x} ${square.y}h${square.size}v${square.size}h${-square.size}Z`}
          />
          <rect
            className="camera-square-outline"
            data-testid="capture-square-rect"
            x={square.x}
            y={square.y}
            width={square.size}
            height={square.size}
          />
        </>
      )}
      {children}
    </svg>
  );
}

/**
 * The live preview: the video mirrored (like a mirror, which is what people expect of a front
 * camera), the capture square drawn over it in frame coordinates (mirrored the same way, so it
 * covers exactly the pixels that are stored), a flash on every stored capture, and an overlay slot for
 * the verification verdict (`children`, not mirrored: text must read normally). In face mode the
 * square follows the detected face, with the face box and its confidence.
 */
export function CameraView({ children }: { children?: ReactNode }) {
  const { attachVideo, retry, phase } = useCameraControls();
  const { error, square, frameSize } = useCameraState();
  const { last } = useCapture();
  const face = useFace();
  const frame = useFaceFrame();
  const { width: w, height: h } = frameSize ?? DEFAULT_FRAME;
  const running = square !== null;
  const crop = frame?.crop ?? null;
  const shown = face.mode === 'face' ? squareOf(frame) : face.mode === 'fixed' ? square : null;
  const hint = running ? faceHint(face, frame) : null;

  return (
    <div className="camera-stage" style={{ aspectRatio: `${w} / ${h}` }} data-testid="camera-stage" data-phase={phase}>
      <video ref={attachVideo} className="camera-video camera-mirrored" muted playsInline aria-label="Live camera preview, mirrored" />
      {running && (
        <SquareLayer square={shown} w={w} h={h} mode={face.mode}>
          {crop && (
            <rect
              className="camera-face-box"
              data-testid="face-box"
              x={crop.face.box.x}
              y={crop.face.box.y}
              width={crop.face.box.width}
              height={crop.face.box.height}
            />
          )}
        </SquareLayer>
      )}
      {running && crop && (
        // Not mirrored (text), placed where the mirrored box's top-left corner shows.
        <div
          className="camera-face-label"
          data-testid="face-label"
          style={{ left: `${(100 * (w - crop.face.box.x - crop.face.box.width)) / w}%`, top: `${(100 * crop.face.box.y) / h}%` }}
        >
          face {crop.face.score.toFixed(2)}
        </div>
      )}
      {hint && (
        <div className={`camera-face-hint camera-face-hint-${hint.tone}`} data-testid="face-hint" data-kind={hint.kind} role="status">
          {hint.text}
        </div>
      )}
      {last && (
        <div
          key={last.seq}
          className={`camera-flash camera-flash-${last.kind}`}
          aria-hidden="true"
          data-testid="capture-flash"
          data-kind={last.kind}
          data-seq={last.seq}
        />
      )}
      <div className="camera-overlay-slot">{children}</div>
      {phase === 'starting' && (
        <div className="camera-status" role="status">
          Starting the camera…
        </div>
      )}
      {phase === 'paused' && (
        <div className="camera-status" role="status">
          Camera paused while the page is hidden.
        </div>
      )}
      {error && (
        <div className="camera-error" role="alert" data-testid="camera-error" data-code={error.code}>
          <p>{error.message}</p>
          <button type="button" className="btn" onClick={retry}>
            Try the camera again
          </button>
        </div>
      )}
    </div>
  );
}
