import { useId, type ReactNode } from 'react';
import type { FaceModel, TrainingStart } from '../../config';
import {
  advancedFields,
  BOOLEAN_FIELDS,
  changedAdvanced,
  FACE_MODEL_CHOICES,
  fieldHelp,
  FREEZE_LABELS,
  POOL_LABELS,
  SETTINGS_FIELDS,
  START_LABELS,
  startNote,
  type SettingsErrors,
  type SettingsField,
  type SettingsForm as Form,
} from './settings';

export interface SettingsFormProps {
  readonly form: Form;
  readonly errors: SettingsErrors;
  readonly disabled: boolean;
  readonly onChange: (field: SettingsField, value: string) => void;
  /** Note under samples per class (how many will be used, capped by what is stored). */
  readonly samplesNote: string;
  /** Whether the "Advanced" disclosure is open (remembered by the caller). */
  readonly advancedOpen: boolean;
  readonly onAdvancedToggle: (open: boolean) => void;
}

/** Text inputs (parsed and validated by settings.ts, so the errors are ours, not the browser's). */
const INPUT_MODES: Readonly<Partial<Record<SettingsField, 'numeric' | 'decimal'>>> = {
  epochs: 'numeric',
  batchSize: 'numeric',
  learningRate: 'decimal',
  samplesPerClass: 'numeric',
  trainFraction: 'decimal',
};

const SELECT_OPTIONS: Readonly<Partial<Record<SettingsField, Readonly<Record<string, string>>>>> = {
  faceModel: FACE_MODEL_CHOICES,
  pool: POOL_LABELS,
  freeze: FREEZE_LABELS,
};

const isBoolean = (field: SettingsField): boolean => (BOOLEAN_FIELDS as readonly SettingsField[]).includes(field);

/** What the closed "Advanced" disclosure lists when nothing there was changed. */
const ADVANCED_SUMMARY: Readonly<Record<FaceModel, string>> = {
  facerec: 'batch, learning rate, split, calibration',
  koch: 'batch, learning rate, split, layers, augmentation, calibration',
};

/**
 * The training settings: the face model, where to start and the epochs, then the rest under an
 * "Advanced" disclosure, without the fields that do not apply to the chosen face model. Each field
 * has a one-line help (its longer explanation as the tooltip) and its validation error next to it.
 */
export function SettingsForm({ form, errors, disabled, onChange, samplesNote, advancedOpen, onAdvancedToggle }: SettingsFormProps) {
  const id = useId();
  const faceModel: FaceModel = form.faceModel === 'koch' ? 'koch' : 'facerec';
  const describedBy = (field: SettingsField) =>
    [`${id}-${field}-help`, errors[field] ? `${id}-${field}-error` : ''].filter(Boolean).join(' ');
  const help = (field: SettingsField, extra = '') => (
    <p id={`${id}-${field}-help`} className="train-help" title={SETTINGS_FIELDS[field].detail}>
      {fieldHelp(field, faceModel)}
      {extra ? ` ${extra}` : ''}
    </p>
  );
  const fieldError = (field: SettingsField) =>
    errors[field] && (
      <p id={`${id}-${field}-error`} className="train-field-error" role="alert">
        {errors[field]}
      </p>
    );

  const field = (name: SettingsField): ReactNode => {
    const { label } = SETTINGS_FIELDS[name];
    if (isBoolean(name)) {
      return (
        <div key={name} className="train-field train-check">
          <label>
            <input
              type="checkbox"
              name={name}
              checked={form[name] === 'true'}
              aria-describedby={describedBy(name)}
              onChange={(e) => onChange(name, String(e.currentTarget.checked))}
            />{' '}
            {label}
          </label>
          {help(name)}
          {fieldError(name)}
        </div>
      );
    }
    const options = SELECT_OPTIONS[name];
    return (
      <div key={name} className="train-field">
        <label htmlFor={`${id}-${name}`}>{label}</label>
        {options ? (
          <select
            id={`${id}-${name}`}
            name={name}
            value={form[name]}
            aria-describedby={describedBy(name)}
            onChange={(e) => onChange(name, e.currentTarget.value)}
          >
            {Object.entries(options).map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={`${id}-${name}`}
            name={name}
            type="text"
            inputMode={INPUT_MODES[name]}
            value={form[name]}
            aria-invalid={errors[name] ? true : undefined}
            aria-describedby={describedBy(name)}
            onChange={(e) => onChange(name, e.currentTarget.value)}
          />
        )}
        {help(name, name === 'samplesPerClass' ? samplesNote : '')}
        {fieldError(name)}
      </div>
    );
  };

  const note = startNote(form);
  const advanced = advancedFields(faceModel);
  const changed = changedAdvanced(form).map((f) => SETTINGS_FIELDS[f].label);
  const invalid = advanced.filter((f) => errors[f]).map((f) => SETTINGS_FIELDS[f].label);
  const startLabels = START_LABELS[faceModel];
  return (
    <fieldset className="train-settings" disabled={disabled}>
      <legend>Settings</legend>
      {field('faceModel')}
      <fieldset className="train-field train-start" aria-describedby={describedBy('start')}>
        <legend>{SETTINGS_FIELDS.start.label}</legend>
        {(Object.keys(startLabels) as TrainingStart[]).map((value) => (
          <label key={value} className="train-choice">
            <input type="radio" name="start" value={value} checked={form.start === value} onChange={() => onChange('start', value)} />{' '}
            {startLabels[value]}
          </label>
        ))}
        {help('start')}
        {note && (
          <p className="train-note" data-testid="train-start-note">
            {note}
          </p>
        )}
        {fieldError('start')}
      </fieldset>
      {field('epochs')}
      <details
        className="train-advanced"
        data-testid="train-advanced"
        open={advancedOpen}
        onToggle={(e) => onAdvancedToggle(e.currentTarget.open)}
      >
        <summary>
          Advanced
          {invalid.length > 0 ? (
            <span className="train-advanced-invalid"> · to fix: {invalid.join(', ')}</span>
          ) : changed.length > 0 ? (
            <span className="train-advanced-changed"> · changed: {changed.join(', ')}</span>
          ) : (
            <span className="train-advanced-changed"> · {ADVANCED_SUMMARY[faceModel]}</span>
          )}
        </summary>
        <div className="train-advanced-fields">{advanced.map(field)}</div>
      </details>
    </fieldset>
  );
}
