import { useEffect, useId, useState } from 'react';
import { DEFAULT_CAPTURE_CONFIG, FACE_THRESHOLD_RANGE } from '../../config';
import { getSampleStore, type SampleRecord } from '../../data';
import { identify, verifyCropped, type Decision } from '../../verify';
import { NO_COUNTS, usePeople } from '../people/PeopleContext';
import { useCameraState } from '../camera/CameraContext';
import { useCaptureSettings } from '../camera/CaptureSettings';
import { grabPixels } from '../camera/grabPixels';
import { useMessages } from '../common/Messages';
import { plural } from '../../common';
import { useModel } from '../model/ModelContext';
import { useSamples } from '../samples/SamplesContext';
import { useCropSource } from './cropSource';
import { copyPositivesToVerification, DEFAULT_FROM_POSITIVES } from './fromPositives';
import { LivenessControl } from './LivenessControl';
import { SAME_MOMENT_MS, spreadAdvice } from './spread';
import { useVerifierSync, useVerify } from './VerifyContext';
import './verify.css';
import { errorMessage } from '../../common';

/** Seed of the choice of positives copied to verification images (repeatable). */
const FROM_POSITIVES_SEED = 7;

interface SliderProps {
  readonly name: 'detectionThreshold' | 'verificationThreshold' | 'faceThreshold' | 'margin' | 'personDetection' | 'personVerification';
  readonly label: string;
  readonly help: string;
  readonly value: number;
  readonly onChange: (v: number) => void;
  readonly min?: number;
  readonly max?: number;
}

function ThresholdSlider({ name, label, help, value, onChange, min = 0, max = 1 }: SliderProps) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id}>
        {label}: <span className="verify-slider-value">{value.toFixed(2)}</span>
      </label>
      <input
        id={id}
        type="range"
        name={name}
        min={min}
        max={max}
        step={0.01}
        value={value}
        aria-describedby={`${id}-help`}
        onChange={(e) => onChange(Number(e.currentTarget.value))}
      />
      <p id={`${id}-help`} className="verify-help">
        {help}
      </p>
    </div>
  );
}

function NoVerificationImages() {
  const samples = useSamples();
  const { notify } = useMessages();
  const { current, counts } = usePeople();
  const positives = (counts.get(current.id) ?? NO_COUNTS).positive;
  const [count, setCount] = useState(String(DEFAULT_FROM_POSITIVES));
  const [busy, setBusy] = useState(false);
  const id = useId();
  const n = Number(count);
  const valid = Number.isInteger(n) && n >= 1;
  const use = Math.min(valid ? n : 0, positives);

  const copy = async () => {
    setBusy(true);
    try {
      const copied = await copyPositivesToVerification(getSampleStore(), use, FROM_POSITIVES_SEED, current.id);
      await samples.refresh();
      notify('success', `${plural(copied.length, 'positive')} of ${current.name} copied to their verification images.`);
    } catch (e) {
      notify('error', `Could not copy positives: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="verify-empty" data-testid="verify-no-images">
      <p>
        There are no verification images yet. Capture some with the <kbd>v</kbd> key (your face, as you will be verified), or use some of
        your stored positives.
      </p>
      {positives > 0 ? (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (valid && !busy) void copy();
          }}
        >
          <label htmlFor={id}>Positives to use (of {positives} stored)</label>{' '}
          <input
            id={id}
            name="fromPositives"
            type="number"
            min={1}
            step={1}
            value={count}
            onChange={(e) => setCount(e.currentTarget.value)}
          />{' '}
          <button type="submit" className="btn" disabled={!valid || busy} data-testid="verify-use-positives">
            {busy ? 'Copying…' : `Use ${plural(use, 'positive')}`}
          </button>
          {!valid && (
            <p className="verify-error" role="alert">
              Enter a whole number of at least 1.
            </p>
          )}
        </form>
      ) : (
        <p>
          There are no stored positives either: capture some with the <kbd>p</kbd> key.
        </p>
      )}
    </div>
  );
}

/** The stored verification records, re-read whenever the samples change. */
function useVerificationRecords(version: number): readonly SampleRecord[] {
  const [records, setRecords] = useState<readonly SampleRecord[]>([]);
  useEffect(() => {
    let live = true;
    getSampleStore()
      .listSamples('verification')
      .then((r) => live && setRecords(r))
      // Reading failed (e.g. storage gone): no advice rather than stale advice; the galleries report the failure.
      .catch(() => live && setRecords([]));
    return () => {
      live = false;
    };
  }, [version]);
  return records;
}

/** Advice when one moment of capture would decide the vote (see spread.ts). */
function SpreadHint({ version, verificationThreshold }: { version: number; verificationThreshold: number }) {
  const advice = spreadAdvice(useVerificationRecords(version), verificationThreshold);
  if (!advice) return null;
  return (
    <p className="verify-help" role="note" data-testid="verify-spread-hint">
      {advice.sameMoment} of your {plural(advice.total, 'verification image')} were taken within {SAME_MOMENT_MS / 1000} seconds of each
      other: one pose would decide the vote, and you may be denied as soon as you turn your head. Delete some of them (Samples) and take new
      ones with <kbd>v</kbd> while you turn your head slowly, in the light you will use.
    </p>
  );
}

interface NowResult {
  /** The best person's decision, granted as the identification says. */
  readonly decision: Decision;
  /** The granted person's name; with several people also why nobody was. */
  readonly who: string | null;
  readonly ms: number;
}

/** Thresholds, one-off verification with all scores, and the "no verification images" offer. */
export function VerificationPanel() {
  const model = useModel();
  const samples = useSamples();
  const camera = useCameraState();
  const source = useCropSource();
  const { engine, embedding, thresholds, setThresholds, liveness } = useVerify();
  const people = usePeople();
  const { config: capture, setFaceThreshold } = useCaptureSettings();
  const { faceThreshold } = capture;
  useVerifierSync(model.net, samples.version);
  const [now, setNow] = useState<NowResult | null>(null);
  const [nowError, setNowError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const { net } = model;
  const { video } = camera;
  const crop = source === 'loading' ? null : source;
  const canVerify = net !== null && video !== null && crop !== null && camera.ready && embedding.status === 'ready';

  const verifyNow = async () => {
    if (!net || !video || !crop) return;
    setBusy(true);
    setNowError(null);
    const start = performance.now();
    try {
      const pixels = grabPixels(video);
      if (!pixels) throw new Error('The camera has no frame yet; try again in a moment.');
      const input = engine.frameInput(net);
      if (!input) throw new Error('The verification images are still being prepared; try again in a moment.');
      const { face, result } = await verifyCropped(pixels, crop, input, (tensor) => engine.verify(net, tensor, thresholds));
      if (face && face.crop === null)
        throw new Error(`NO FACE: no face with confidence ≥ ${faceThreshold} in this frame, so it was not verified.`);
      const owners = engine.owners(net);
      if (!result || !owners || owners.length !== result.scores.length)
        throw new Error('The verification images are still being prepared; try again in a moment.');
      const id = identify(result.scores, owners, people.people.list, thresholds, people.people.margin);
      const best = id.best!;
      const who =
        id.people.length < 2
          ? null
          : id.person !== null
            ? people.nameOf(id.person)
            : id.reason === 'ambiguous'
              ? `ambiguous between ${people.nameOf(best.person)} and ${people.nameOf(id.runnerUp!.person)}`
              : id.runnerUp
                ? `closest: ${people.nameOf(best.person)}`
                : null;
      // The scores shown are the best person's, in their verification images' order.
      setNow({ decision: { ...best, granted: id.granted }, who, ms: performance.now() - start });
    } catch (e) {
      setNow(null);
      setNowError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const why =
    model.status !== 'ready'
      ? 'Train or import a model first.'
      : samples.counts.verification === 0
        ? 'Add verification images first.'
        : !camera.ready
          ? 'The camera is off.'
          : source === 'loading'
            ? 'Loading the face detector…'
            : embedding.status === 'loading'
              ? `Preparing verification images (${embedding.done} of ${embedding.count})…`
              : embedding.status === 'error'
                ? `The verification images could not be prepared: ${embedding.error ?? ''}`
                : null;

  return (
    <section className="card verify-panel" aria-labelledby="verify-title">
      <header className="card-header">
        <h2 id="verify-title">
          <span className="step-number" aria-hidden="true">
            3
          </span>
          Verify
        </h2>
      </header>
      <ThresholdSlider
        name="detectionThreshold"
        label="Detection threshold"
        help="A verification image counts as a match when the model's score for it is above this (reference 0.5)."
        value={thresholds.detectionThreshold}
        onChange={(v) => setThresholds({ ...thresholds, detectionThreshold: v })}
      />
      <ThresholdSlider
        name="verificationThreshold"
        label="Verification threshold"
        help="Access is granted when the share of matching verification images is above this (reference 0.5)."
        value={thresholds.verificationThreshold}
        onChange={(v) => setThresholds({ ...thresholds, verificationThreshold: v })}
      />
      {capture.cropMode === 'face' && (
        <ThresholdSlider
          name="faceThreshold"
          label="Face confidence threshold"
          help={`In face mode a capture, and a frame before it is verified, needs a face the detector is at least this sure of; below it: NO FACE, never granted (default ${DEFAULT_CAPTURE_CONFIG.faceThreshold}, the lowest the detector reports).`}
          value={faceThreshold}
          min={FACE_THRESHOLD_RANGE.min}
          max={FACE_THRESHOLD_RANGE.max}
          onChange={setFaceThreshold}
        />
      )}
      <LivenessControl />
      <PeopleSettings global={thresholds} />
      <p>
        {plural(samples.counts.verification, 'verification image')}
        {embedding.status === 'ready' ? ' ready.' : '.'}
      </p>
      {samples.loaded && samples.counts.verification === 0 && <NoVerificationImages />}
      <SpreadHint version={samples.version} verificationThreshold={thresholds.verificationThreshold} />
      <button type="button" className="btn" onClick={() => void verifyNow()} disabled={!canVerify || busy} data-testid="verify-now">
        {busy ? 'Verifying…' : 'Verify now'}
      </button>
      {why && <p className="verify-help">{why}</p>}
      {nowError && (
        <p className="verify-error" role="alert">
          {nowError}
        </p>
      )}
      {now && <NowScores result={now} detectionThreshold={thresholds.detectionThreshold} liveness={liveness.mode === 'head-turn'} />}
    </section>
  );
}

/**
 * Several people: the identification margin, and the current person's own thresholds (a person
 * who is often denied, or who looks like another enrolled person, can have stricter or looser ones).
 */
function PeopleSettings({ global }: { global: { detectionThreshold: number; verificationThreshold: number } }) {
  const people = usePeople();
  const { notify } = useMessages();
  const { current } = people;
  const own = current.thresholds;
  const report = (p: Promise<void>) => void p.catch((e: unknown) => notify('error', `Could not save the setting: ${errorMessage(e)}`));
  const mine = { ...global, ...own };
  return (
    <fieldset className="verify-people" data-testid="people-settings">
      <legend>People</legend>
      <ThresholdSlider
        name="margin"
        label="Identification margin"
        help="When several people pass the rule on a frame, the best one is granted only when their verification share beats the runner-up's by at least this much; otherwise ACCESS DENIED (ambiguous)."
        value={people.people.margin}
        onChange={(v) => report(people.setMargin(v))}
      />
      <label className="verify-people-own">
        <input
          type="checkbox"
          data-testid="person-own-thresholds"
          checked={own !== undefined}
          onChange={(e) => report(people.setThresholds(current.id, e.currentTarget.checked ? { ...global } : null))}
        />{' '}
        Own thresholds for {current.name}
      </label>
      {own !== undefined && (
        <>
          <ThresholdSlider
            name="personDetection"
            label={`${current.name}: detection threshold`}
            help={`Used for ${current.name} instead of the detection threshold above.`}
            value={mine.detectionThreshold}
            onChange={(v) => report(people.setThresholds(current.id, { ...mine, detectionThreshold: v }))}
          />
          <ThresholdSlider
            name="personVerification"
            label={`${current.name}: verification threshold`}
            help={`Used for ${current.name} instead of the verification threshold above.`}
            value={mine.verificationThreshold}
            onChange={(v) => report(people.setThresholds(current.id, { ...mine, verificationThreshold: v }))}
          />
        </>
      )}
    </fieldset>
  );
}

/** One frame's identity decision; with the liveness check on, access also needs the live head turn (overlay). */
function NowScores({ result, detectionThreshold, liveness }: { result: NowResult; detectionThreshold: number; liveness: boolean }) {
  const { decision, ms, who } = result;
  const verdict = decision.granted
    ? liveness
      ? 'IDENTITY MATCHED (access also needs the head turn, live)'
      : 'ACCESS GRANTED'
    : 'ACCESS DENIED';
  return (
    <div data-testid="verify-now-result" role="status">
      <p>
        <strong>{verdict}</strong>: detection {decision.detection} of {decision.n} above {detectionThreshold}, verification{' '}
        {decision.verification.toFixed(2)} ({Math.round(ms)} ms).
      </p>
      {who && <p data-testid="verify-now-person">Person: {who}</p>}
      <ul className="verify-scores" aria-label={`${decision.n} scores, one per verification image`}>
        {decision.scores.map((s, i) => (
          <li key={i} className={s > detectionThreshold ? 'verify-score-above' : undefined}>
            {s.toFixed(2)}
          </li>
        ))}
      </ul>
    </div>
  );
}
