import { useId } from 'react';
import type { CropMode } from '../../config';
import { useCaptureSettings } from './CaptureSettings';
import { useFace } from './FaceContext';
import './face.css';

const LABELS: Readonly<Record<CropMode, string>> = {
  face: 'Follow my face (default)',
  fixed: 'Fixed centred square (reference)',
};

/** Where the capture square goes: around the detected face, or the reference's fixed square. */
export function CropModeControl() {
  const { config, setCropMode } = useCaptureSettings();
  const { status, error } = useFace();
  const id = useId();
  return (
    <div className="crop-mode">
      <label htmlFor={id}>Capture square:</label>
      <select
        id={id}
        name="cropMode"
        data-testid="crop-mode"
        value={config.cropMode}
        onChange={(e) => setCropMode(e.currentTarget.value as CropMode)}
      >
        {(Object.keys(LABELS) as CropMode[]).map((m) => (
          <option key={m} value={m}>
            {LABELS[m]}
          </option>
        ))}
      </select>
      {status === 'failed' && error ? (
        <p className="crop-mode-note crop-mode-note-error" role="alert" data-testid="face-detector-error">
          {error}
        </p>
      ) : (
        <p className="crop-mode-note">
          {config.cropMode === 'face'
            ? 'The square frames your face as an LFW photo does; captures and verification need a face in view.'
            : 'The reference’s 250×250 square in the middle of the frame: put your face in it.'}
        </p>
      )}
    </div>
  );
}
