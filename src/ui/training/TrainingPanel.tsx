import { useEffect } from 'react';
import { FACE_MODEL_LABELS, faceModelOf, STRANGER_PAIRS } from '../../config';
import { startRun, type CalibrationOutcome, type EpochMetrics, type TrainingSummary } from '../../training';
import { ProgressBar } from '../common/ProgressBar';
import { useModel } from '../model/ModelContext';
import { describeModel } from '../model/modelStatus';
import { useSamples } from '../samples/SamplesContext';
import { formatDuration } from './eta';
import { trainingReadiness } from './readiness';
import { calibrationNote, learningWarning } from './outcome';
import { checkpointPlace, resumeOffer } from './resume';
import { SettingsForm } from './SettingsForm';
import { TrainingCharts } from './TrainingCharts';
import { useAdvancedOpen } from './useAdvancedOpen';
import { isRunning, progressOf, type TrainingView } from './trainingState';
import { useTrainingRun } from './useTrainingRun';
import { useTrainingSettings } from './useTrainingSettings';
import { usePeopleCounts } from './usePeopleCounts';
import './training.css';

function ProgressStatus({ view }: { view: TrainingView }) {
  const p = progressOf(view);
  if (!p) return view.note && isRunning(view) ? <p className="train-status">{view.note}</p> : null;
  const eta = p.eta
    ? ` · ${formatDuration(p.eta.remainingMs)} left (${(p.eta.msPerStep / 1000).toFixed(1)} s per step)`
    : ' · measuring the step time…';
  return (
    <>
      <ProgressBar value={p.stepsDone} max={p.totalSteps} label="Training steps" testId="train-progress" />
      <p className="train-status" data-testid="train-status">
        Epoch {p.epoch} of {view.epochs}, batch {p.batch} of {p.batches} · batch loss {view.batch?.loss.toFixed(3)}
        {view.phase === 'stopping' ? ' · stopping after this batch…' : view.phase === 'training' ? eta : ''}
        {view.checkpoint ? ` · checkpoint saved ${checkpointPlace(view.checkpoint)}` : ''}
        {view.note ? ` · ${view.note}` : ''}
      </p>
    </>
  );
}

/** The training summary the worker saves with the model (NetworkMeta.training), if it is one. */
function storedSummary(training: unknown): TrainingSummary | null {
  const t = training as Partial<TrainingSummary> | null | undefined;
  return t && Array.isArray(t.history) && typeof t.testPairs === 'number' ? (t as TrainingSummary) : null;
}

function FinalMetrics({
  history,
  outcome,
  testPairs,
  calibration,
}: {
  history: readonly EpochMetrics[];
  outcome: string;
  testPairs: number | null;
  calibration: CalibrationOutcome | null | undefined;
}) {
  const last = history[history.length - 1];
  if (!last) return null;
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const warning = learningWarning(last);
  const calibrated = calibrationNote(calibration);
  return (
    <div className="train-final" data-testid="train-final" role="status">
      <p>
        {outcome} after epoch {last.epoch}: test precision <strong>{pct(last.precision)}</strong>, test recall{' '}
        <strong>{pct(last.recall)}</strong> (test loss {last.testLoss.toFixed(3)}
        {testPairs !== null ? `, ${testPairs} test pairs` : ''}).
      </p>
      <p className="train-help">
        Measured on held-out pairs from the same captures as the training pairs, so expect lower accuracy on new images (another day, other
        light).
      </p>
      {calibrated && (
        <p className="train-help" data-testid="train-calibration" data-kind={calibration?.kind}>
          {calibrated}
        </p>
      )}
      {warning && (
        <p className="train-note" data-testid="train-warning" data-kind={warning.kind}>
          {warning.message}
        </p>
      )}
    </div>
  );
}

/** Settings, the readiness check, Train / Stop / Resume, progress with ETA, charts and final metrics. */
export function TrainingPanel() {
  const model = useModel();
  const samples = useSamples();
  const settings = useTrainingSettings();
  const [advancedOpen, setAdvancedOpen] = useAdvancedOpen();
  const run = useTrainingRun(startRun);
  const { view } = run;
  const running = isRunning(view);
  const s = settings.settings;

  const people = usePeopleCounts();
  const readiness = trainingReadiness({
    counts: samples.counts,
    ...(people && { people }),
    samplesPerClass: s.samplesPerClass,
    batchSize: s.batchSize,
    trainFraction: s.trainFraction,
  });
  const offer = resumeOffer(run.checkpoint, s);
  const canTrain = !running && settings.valid && readiness.ready && samples.loaded;
  // Before anything runs, the charts show the checkpoint's history (resuming continues it) or the
  // stored model's (a returning user sees how it was trained).
  const stored = storedSummary(model.meta?.training);
  const idle = view.phase === 'idle';
  const resumable = offer.kind === 'resume' ? run.checkpoint : null;
  const chartHistory = idle ? (resumable?.history ?? stored?.history ?? []) : view.history;
  const chartEpochs = idle ? (offer.kind === 'resume' ? offer.totalEpochs : (stored?.trainingConfig.epochs ?? 0)) : view.epochs;
  const final =
    view.phase === 'done' || view.phase === 'stopped'
      ? {
          history: view.history,
          outcome: view.phase === 'done' ? 'Training finished' : 'Training stopped',
          testPairs: run.where?.testPairs ?? null,
          calibration: view.calibration,
        }
      : idle && offer.kind === 'none' && stored
        ? { history: stored.history, outcome: 'The stored model was trained', testPairs: stored.testPairs, calibration: stored.calibration }
        : null;
  const samplesNote = `Now: ${readiness.perClass} per class from what is stored.`;
  const modelFace = model.net ? faceModelOf(model.net.config) : null;
  const current = describeModel({
    status: model.status,
    source: model.source,
    training: model.meta?.training,
    error: model.error,
    ...(modelFace ? { faceModel: modelFace } : {}),
  });
  // While nothing is trained, the chosen face model's pretrained network is the app's model.
  const { setFaceModel } = model;
  useEffect(() => {
    if (settings.loaded) setFaceModel(s.faceModel);
  }, [setFaceModel, settings.loaded, s.faceModel]);
  const otherFace = modelFace !== null && model.source !== 'pretrained' && modelFace !== s.faceModel;

  const backendNote = run.where
    ? run.where.note
    : model.backendNotice
      ? model.backendNotice
      : model.backend
        ? `Backend: ${model.backend.reason}. Training runs in a background worker, which picks its backend the same way (where it can only get a slower one, training runs in this page instead).`
        : 'Choosing the backend…';

  return (
    <section className="card training-panel" aria-labelledby="training-title">
      <header className="card-header">
        <h2 id="training-title">
          <span className="step-number" aria-hidden="true">
            2
          </span>
          Train
        </h2>
      </header>
      <p className="train-model" data-testid="train-model" data-kind={current.kind}>
        Current model: {current.title}.
      </p>
      {otherFace && (
        <p className="train-note" data-testid="train-face-model-note">
          The current model uses the {FACE_MODEL_LABELS[modelFace]}; Train makes a {FACE_MODEL_LABELS[s.faceModel]} model in its place.
        </p>
      )}
      <SettingsForm
        form={settings.form}
        errors={settings.errors}
        disabled={running}
        onChange={settings.onChange}
        samplesNote={samplesNote}
        advancedOpen={advancedOpen}
        onAdvancedToggle={setAdvancedOpen}
      />

      <div className="train-readiness" data-testid="train-readiness">
        {readiness.ready ? (
          <p>
            Ready: {readiness.perClass} samples per class give {readiness.trainPairs} training pairs and {readiness.testPairs} test pairs
            {people && people.length > 1 ? `, for one model of ${people.length} people (each also against the others)` : ''}
            {STRANGER_PAIRS[s.faceModel] > 0
              ? `, plus up to ${2 * STRANGER_PAIRS[s.faceModel]} pairs of strangers from the negatives (the same person in two photos, and two people)`
              : ''}
            .
          </p>
        ) : (
          <>
            <p>
              Not enough data yet (at least {readiness.minPerClass} anchors, positives and negatives, so that the test split holds one
              batch):
            </p>
            <ul className="train-missing">
              {readiness.messages.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </>
        )}
      </div>
      <p className="train-backend" data-testid="train-backend" data-where={run.where?.where}>
        {backendNote}
      </p>

      {offer.kind === 'resume' && !running && (
        <div className="train-resume" role="status">
          <p>{offer.message}</p>
        </div>
      )}
      {run.checkpointError && !running && <p className="train-error">The stored checkpoint cannot be used: {run.checkpointError}</p>}

      <div className="train-buttons">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!canTrain}
          onClick={() => run.start(settings.configs, false)}
          data-testid="train-start"
        >
          {offer.kind === 'resume' ? 'Start over' : 'Train'}
        </button>
        <button type="button" className="btn" disabled={!running || view.phase === 'stopping'} onClick={run.stop} data-testid="train-stop">
          Stop
        </button>
        {offer.kind === 'resume' && (
          <button
            type="button"
            className="btn"
            disabled={running || !samples.loaded}
            onClick={() => run.start({ training: offer.training, model: offer.model }, true)}
            data-testid="train-resume"
          >
            Resume from epoch {offer.fromEpoch}
          </button>
        )}
      </div>

      {view.phase !== 'idle' && <ProgressStatus view={view} />}
      {view.phase === 'error' && (
        <p className="train-error" role="alert" data-testid="train-error">
          {view.note}
        </p>
      )}
      {final && <FinalMetrics {...final} />}
      {chartHistory.length > 0 || running ? <TrainingCharts history={chartHistory} epochs={chartEpochs} /> : null}
    </section>
  );
}
