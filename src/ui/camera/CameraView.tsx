import type { ReactNode } from 'react';
import { useCameraControls, useCameraState } from './CameraContext';
import { useCapture } from './CaptureContext';

const DEFAULT_FRAME = { width: 640, height: 480 } as const;

/**
 * The live preview: the video mirrored (like a mirror, which is what people expect of a front
 * camera), the capture square drawn over it in frame coordinates (mirrored the same way, so it
 * covers exactly the pixels that are stored), a flash on every capture, and an overlay slot for
 * the verification verdict (`children`, not mirrored: text must read normally).
 */
export function CameraView({ children }: { children?: ReactNode }) {
  const { attachVideo, retry, phase } = useCameraControls();
  const { error, square, frameSize } = useCameraState();
  const { last } = useCapture();
  const { width: w, height: h } = frameSize ?? DEFAULT_FRAME;

  return (
    <div className="camera-stage" style={{ aspectRatio: `${w} / ${h}` }} data-phase={phase}>
      <video ref={attachVideo} className="camera-video camera-mirrored" muted playsInline aria-label="Live camera preview, mirrored" />
      {square && (
        <svg className="camera-square camera-mirrored" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" aria-hidden="true">
          <path className="camera-square-mask" fillRule="evenodd" d={`M0 0H${w}V${h}H0Z M${square.x} ${square.y}h${square.size}v${square.size}h${-square.size}Z`} />
          <rect className="camera-square-outline" x={square.x} y={square.y} width={square.size} height={square.size} />
        </svg>
      )}
      {last && <div key={last.seq} className={`camera-flash camera-flash-${last.kind}`} aria-hidden="true" />}
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
