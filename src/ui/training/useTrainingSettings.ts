import { useCallback, useEffect, useRef, useState } from 'react';
import type { ModelConfig, TrainingConfig } from '../../config';
import { DEFAULT_SETTINGS, getSettingsStore } from '../../data';
import {
  applySettingsChange,
  configsFromSettings,
  DEFAULT_TRAINING_SETTINGS,
  parseSettingsForm,
  settingsFromConfigs,
  settingsToForm,
  type SettingsErrors,
  type SettingsField,
  type SettingsForm,
  type TrainingSettings,
} from './settings';

export interface TrainingSettingsState {
  /** The text of each input. */
  readonly form: SettingsForm;
  readonly errors: SettingsErrors;
  /** The last valid settings (what Train uses); the form may hold invalid text meanwhile. */
  readonly settings: TrainingSettings;
  readonly valid: boolean;
  /** Whether the stored settings were read (or could not be): until then `settings` are the defaults. */
  readonly loaded: boolean;
  /** The engine configs for `settings` (fields the form does not show keep their stored values). */
  readonly configs: { readonly training: TrainingConfig; readonly model: ModelConfig };
  onChange(field: SettingsField, value: string): void;
}

/** The training settings form, loaded from and remembered in the settings store. */
export function useTrainingSettings(): TrainingSettingsState {
  const [form, setForm] = useState<SettingsForm>(() => settingsToForm(DEFAULT_TRAINING_SETTINGS));
  const [errors, setErrors] = useState<SettingsErrors>({});
  const [stored, setStored] = useState<{ training: TrainingConfig; model: ModelConfig }>({
    training: DEFAULT_SETTINGS.training,
    model: DEFAULT_SETTINGS.model,
  });
  const edited = useRef(false);
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    let cancelled = false;
    const store = getSettingsStore();
    Promise.all([store.get('training'), store.get('model')]).then(
      ([training, model]) => {
        if (cancelled) return;
        setStored({ training, model });
        setLoaded(true);
        // Typing before the store answered wins over the stored values.
        if (!edited.current) setForm(settingsToForm(settingsFromConfigs(training, model)));
      },
      () => !cancelled && setLoaded(true), // the defaults stay
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const onChange = useCallback(
    (field: SettingsField, value: string) => {
      edited.current = true;
      const next = applySettingsChange(form, field, value);
      setForm(next);
      const parsed = parseSettingsForm(next);
      setErrors(parsed.ok ? {} : parsed.errors);
      if (!parsed.ok) return;
      const configs = configsFromSettings(parsed.settings, stored);
      setStored(configs);
      const store = getSettingsStore();
      void Promise.all([store.set('training', configs.training), store.set('model', configs.model)]).catch(() => undefined);
    },
    [form, stored],
  );

  const settings = settingsFromConfigs(stored.training, stored.model);
  return { form, errors, settings, valid: Object.keys(errors).length === 0, loaded, configs: stored, onChange };
}
