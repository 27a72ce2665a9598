import { useId } from 'react';
import type { TrainingStart } from '../../config';
import {
  BOOLEAN_FIELDS,
  FREEZE_LABELS,
  NO_PRETRAINED_NOTE,
  POOL_LABELS,
  SCRATCH_NOTE,
  SETTINGS_FIELDS,
  START_LABELS,
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
}

/** Text inputs (parsed and validated by settings.ts, so the errors are ours, not the browser's). */
const NUMBER_INPUTS: ReadonlyArray<{ field: Exclude<SettingsField, 'pool' | 'start' | 'augment' | 'freeze' | 'calibrate'>; inputMode: 'numeric' | 'decimal' }> = [
  { field: 'epochs', inputMode: 'numeric' },
  { field: 'batchSize', inputMode: 'numeric' },
  { field: 'learningRate', inputMode: 'decimal' },
  { field: 'samplesPerClass', inputMode: 'numeric' },
  { field: 'trainFraction', inputMode: 'decimal' },
];

/** The training settings, each with a short explanation and its validation error next to it. */
export function SettingsForm({ form, errors, disabled, onChange, samplesNote }: SettingsFormProps) {
  const id = useId();
  const describedBy = (field: SettingsField) => [`${id}-${field}-help`, errors[field] ? `${id}-${field}-error` : ''].filter(Boolean).join(' ');
  const fieldError = (field: SettingsField) =>
    errors[field] && (
      <p id={`${id}-${field}-error`} className="train-field-error" role="alert">
        {errors[field]}
      </p>
    );
  const note = form.start === 'scratch' ? SCRATCH_NOTE : form.pool !== 'paper' ? NO_PRETRAINED_NOTE : null;
  return (
    <fieldset className="train-settings" disabled={disabled}>
      <legend>Settings</legend>
      <fieldset className="train-field train-start" aria-describedby={describedBy('start')}>
        <legend>{SETTINGS_FIELDS.start.label}</legend>
        {(Object.keys(START_LABELS) as TrainingStart[]).map((value) => (
          <label key={value} className="train-choice">
            <input type="radio" name="start" value={value} checked={form.start === value} onChange={() => onChange('start', value)} />{' '}
            {START_LABELS[value]}
          </label>
        ))}
        <p id={`${id}-start-help`} className="train-help">
          {SETTINGS_FIELDS.start.help}
        </p>
        {note && (
          <p className="train-note" data-testid="train-start-note">
            {note}
          </p>
        )}
        {fieldError('start')}
      </fieldset>
      {NUMBER_INPUTS.map(({ field, inputMode }) => (
        <div key={field} className="train-field">
          <label htmlFor={`${id}-${field}`}>{SETTINGS_FIELDS[field].label}</label>
          <input
            id={`${id}-${field}`}
            name={field}
            type="text"
            inputMode={inputMode}
            value={form[field]}
            aria-invalid={errors[field] ? true : undefined}
            aria-describedby={describedBy(field)}
            onChange={(e) => onChange(field, e.currentTarget.value)}
          />
          <p id={`${id}-${field}-help`} className="train-help">
            {SETTINGS_FIELDS[field].help}
            {field === 'samplesPerClass' && samplesNote ? ` ${samplesNote}` : ''}
          </p>
          {fieldError(field)}
        </div>
      ))}
      {(
        [
          ['pool', POOL_LABELS],
          ['freeze', FREEZE_LABELS],
        ] as const
      ).map(([field, labels]) => (
        <div key={field} className="train-field">
          <label htmlFor={`${id}-${field}`}>{SETTINGS_FIELDS[field].label}</label>
          <select id={`${id}-${field}`} name={field} value={form[field]} aria-describedby={describedBy(field)} onChange={(e) => onChange(field, e.currentTarget.value)}>
            {Object.entries(labels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <p id={`${id}-${field}-help`} className="train-help">
            {SETTINGS_FIELDS[field].help}
          </p>
          {fieldError(field)}
        </div>
      ))}
      {BOOLEAN_FIELDS.map((field) => (
        <div key={field} className="train-field train-check">
          <label>
            <input
              type="checkbox"
              name={field}
              checked={form[field] === 'true'}
              aria-describedby={describedBy(field)}
              onChange={(e) => onChange(field, String(e.currentTarget.checked))}
            />{' '}
            {SETTINGS_FIELDS[field].label}
          </label>
          <p id={`${id}-${field}-help`} className="train-help">
            {SETTINGS_FIELDS[field].help}
          </p>
          {fieldError(field)}
        </div>
      ))}
    </fieldset>
  );
}
