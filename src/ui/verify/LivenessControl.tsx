import { useId, useState } from 'react';
import { LIVENESS_MODES, LIVENESS_SECONDS, validateLivenessSettings, type LivenessMode } from '../../config';
import { useFace } from '../camera/FaceContext';
import { LIVENESS_MODE_LABELS } from './livenessView';
import { useVerify } from './VerifyContext';

/**
 * The Verify panel's liveness check setting: off (the reference behaviour, identity alone) or head
 * turn, and the seconds a person has to turn. Remembered in the settings store.
 */
export function LivenessControl() {
  const { liveness, setLiveness } = useVerify();
  const { mode: cropMode } = useFace();
  const id = useId();
  // What the user is typing, until it is committed (blur or Enter); null: the stored value.
  const [draft, setDraft] = useState<string | null>(null);
  const seconds = draft ?? String(liveness.seconds);
  const n = Number(seconds);
  const secondsValid = seconds.trim() !== '' && Number.isFinite(n) && n >= LIVENESS_SECONDS.min && n <= LIVENESS_SECONDS.max;
  const on = liveness.mode === 'head-turn';

  const commitSeconds = () => {
    if (!secondsValid) return;
    if (n !== liveness.seconds) setLiveness(validateLivenessSettings({ ...liveness, seconds: n }));
    setDraft(null);
  };

  return (
    <fieldset className="verify-liveness" data-testid="liveness-control">
      <legend>Liveness</legend>
      <label htmlFor={`${id}-mode`}>Liveness check</label>
      <select
        id={`${id}-mode`}
        name="livenessMode"
        value={liveness.mode}
        aria-describedby={`${id}-help`}
        onChange={(e) => setLiveness({ ...liveness, mode: e.currentTarget.value as LivenessMode })}
      >
        {LIVENESS_MODES.map((m) => (
          <option key={m} value={m}>
            {LIVENESS_MODE_LABELS[m]}
          </option>
        ))}
      </select>
      {on && (
        <>
          <label htmlFor={`${id}-seconds`}>Seconds to turn</label>
          <input
            id={`${id}-seconds`}
            name="livenessSeconds"
            type="number"
            min={LIVENESS_SECONDS.min}
            max={LIVENESS_SECONDS.max}
            step={0.5}
            value={seconds}
            aria-invalid={!secondsValid}
            onChange={(e) => setDraft(e.currentTarget.value)}
            onBlur={commitSeconds}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitSeconds();
            }}
          />
          {!secondsValid && (
            <p className="verify-error" role="alert">
              Between {LIVENESS_SECONDS.min} and {LIVENESS_SECONDS.max} seconds.
            </p>
          )}
        </>
      )}
      <p id={`${id}-help`} className="verify-help" data-testid="liveness-help">
        {on
          ? `On: when the identity rule grants, the overlay asks you to turn your head to your left or right (chosen at random) and grants access only after that turn, within ${liveness.seconds} s. A photo or a screen held up to the camera cannot turn; a video of you turning your head could.`
          : 'Off: the identity rule alone grants access, as in the reference. A photo of an enrolled person held up to the camera is granted.'}
      </p>
      {on && cropMode === 'fixed' && (
        <p className="verify-error" role="alert">
          The liveness check needs the face detector (Crop: face). While it is on and the crop is fixed, nothing is granted.
        </p>
      )}
    </fieldset>
  );
}
