import { NO_COUNTS, usePeople } from '../people/PeopleContext';
import { useSamples } from '../samples/SamplesContext';
import { useCameraState } from './CameraContext';
import { useCapture } from './CaptureContext';
import { useFace } from './FaceContext';
import { CAPTURE_KINDS, KEY_OF_KIND, type CaptureKind } from './captureKeys';

export const KIND_LABELS = { anchor: 'Anchor', positive: 'Positive', negative: 'Negative', verification: 'Verification' } as const;

const KIND_HINTS: Readonly<Record<CaptureKind, string>> = {
  anchor: 'you, the reference images',
  positive: 'you again, to compare with the anchors',
  verification: 'you, kept for checking access',
};

function CaptureButton({ kind }: { kind: CaptureKind }) {
  const { press, release, capture } = useCapture();
  const { current, counts } = usePeople();
  const count = (counts.get(current.id) ?? NO_COUNTS)[kind];
  const { ready } = useCameraState();
  const { mode } = useFace();
  const stop = () => release(kind);
  return (
    <button
      type="button"
      className={`capture-btn capture-btn-${kind}`}
      data-testid={`capture-${kind}`}
      disabled={!ready || mode === 'loading'}
      aria-keyshortcuts={KEY_OF_KIND[kind]}
      title={`Save ${kind} images (${KIND_HINTS[kind]}). Hold to keep capturing.`}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        press(kind);
      }}
      onPointerUp={stop}
      onPointerCancel={stop}
      onLostPointerCapture={stop}
      // Enter / Space on the focused button: one capture (mouse and touch go through pointerdown).
      onClick={(e) => {
        if (e.detail === 0) void capture(kind);
      }}
      onContextMenu={(e) => e.preventDefault()}
    >
      <span className="capture-btn-label">
        {KIND_LABELS[kind]} <kbd>{KEY_OF_KIND[kind]}</kbd>
      </span>
      <span className="capture-btn-count" data-testid={`count-${kind}`} title={`${current.name}'s ${kind} samples`}>
        {count}
      </span>
    </button>
  );
}

/**
 * The capture buttons with their counts, and the negatives count. Keys A, P, V do the same as the
 * buttons; holding either repeats.
 */
export function CaptureControls() {
  const { counts, loaded } = useSamples();
  const { mode } = useFace();
  return (
    <div className="capture-controls">
      <div className="capture-buttons">
        {CAPTURE_KINDS.map((kind) => (
          <CaptureButton key={kind} kind={kind} />
        ))}
        <div className="capture-tile" aria-label="Negative samples">
          <span className="capture-btn-label">{KIND_LABELS.negative}</span>
          <span className="capture-btn-count" data-testid="count-negative">
            {counts.negative}
          </span>
        </div>
      </div>
      <p className="capture-help">
        {loaded ? (
          <>
            {mode === 'fixed' ? 'Put your face in the square' : 'Face the camera'} and press or hold <kbd>A</kbd> anchor, <kbd>P</kbd>{' '}
            positive or <kbd>V</kbd> verification.
          </>
        ) : (
          'Reading stored samples…'
        )}
      </p>
    </div>
  );
}
