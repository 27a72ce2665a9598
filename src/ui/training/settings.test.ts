import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EPOCHS,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  REFERENCE_TRAINING_CONFIG,
  validateTrainingConfig,
  type TrainingConfig,
} from '../../config';
import {
  ADVANCED_FIELDS,
  BASIC_FIELDS,
  DEFAULT_TRAINING_SETTINGS,
  SETTINGS_FIELDS,
  applySettingsChange,
  changedAdvanced,
  configsFromSettings,
  parseSettingsForm,
  settingsFromConfigs,
  settingsToForm,
  type SettingsForm,
} from './settings';

const defaultsForm = (): SettingsForm => settingsToForm(DEFAULT_TRAINING_SETTINGS);

describe('training settings form', () => {
  it("has the app's defaults: fine-tune the pretrained model, augmented, calibrated, 5 epochs; otherwise the reference recipe", () => {
    expect(DEFAULT_TRAINING_SETTINGS).toEqual({
      start: 'pretrained',
      epochs: 5,
      batchSize: 16,
      learningRate: 1e-4,
      samplesPerClass: 300,
      trainFraction: 0.7,
      pool: 'paper',
      augment: true,
      freeze: 'none',
      calibrate: true,
    });
    expect(defaultsForm()).toEqual({
      start: 'pretrained',
      epochs: '5',
      batchSize: '16',
      learningRate: '0.0001',
      samplesPerClass: '300',
      trainFraction: '70',
      pool: 'paper',
      augment: 'true',
      freeze: 'none',
      calibrate: 'true',
    });
    // The reference recipe, as the form shows it.
    expect(settingsFromConfigs(REFERENCE_TRAINING_CONFIG, DEFAULT_MODEL_CONFIG)).toEqual({
      ...DEFAULT_TRAINING_SETTINGS,
      start: 'scratch',
      epochs: 50,
      augment: false,
      calibrate: false,
    });
  });

  it("choosing where training starts sets that choice's recipe (from scratch: the reference's; fine-tuning: the app's), which stays editable", () => {
    const scratch = applySettingsChange(defaultsForm(), 'start', 'scratch');
    expect(scratch).toEqual({
      ...defaultsForm(),
      start: 'scratch',
      epochs: String(DEFAULT_EPOCHS.scratch),
      augment: 'false',
      freeze: 'none',
      calibrate: 'false',
    });
    // That is the reference recipe exactly, as the form shows it.
    expect(parseSettingsForm(scratch)).toEqual({
      ok: true,
      settings: settingsFromConfigs(REFERENCE_TRAINING_CONFIG, DEFAULT_MODEL_CONFIG),
    });
    const edited = applySettingsChange(applySettingsChange(scratch, 'epochs', '80'), 'augment', 'true');
    expect(edited).toMatchObject({ epochs: '80', augment: 'true' });
    expect(applySettingsChange(edited, 'start', 'scratch')).toEqual(edited); // choosing the same again keeps the edits
    const back = applySettingsChange(edited, 'start', 'pretrained');
    expect(back).toEqual({ ...defaultsForm(), start: 'pretrained' });
    expect(parseSettingsForm(back)).toEqual({ ok: true, settings: DEFAULT_TRAINING_SETTINGS });
    expect(applySettingsChange(defaultsForm(), 'augment', 'false')).toEqual({ ...defaultsForm(), augment: 'false' });
  });

  it('round-trips the defaults and a custom set through the form', () => {
    expect(parseSettingsForm(defaultsForm())).toEqual({ ok: true, settings: DEFAULT_TRAINING_SETTINGS });
    const custom = {
      start: 'scratch',
      epochs: 2,
      batchSize: 4,
      learningRate: 0.001,
      samplesPerClass: 8,
      trainFraction: 0.65,
      pool: 'notebook',
      augment: false,
      freeze: 'embedding',
      calibrate: false,
    } as const;
    expect(parseSettingsForm(settingsToForm(custom))).toEqual({ ok: true, settings: custom });
  });

  it('accepts surrounding spaces and exponent notation', () => {
    const r = parseSettingsForm({ ...defaultsForm(), learningRate: ' 3e-4 ', epochs: ' 7' });
    expect(r.ok && r.settings.learningRate).toBe(3e-4);
    expect(r.ok && r.settings.epochs).toBe(7);
  });

  it('reports an error per bad field, naming the value', () => {
    const r = parseSettingsForm({
      ...defaultsForm(),
      epochs: '2.5',
      batchSize: 'abc',
      learningRate: '0',
      trainFraction: '100',
      samplesPerClass: '',
      pool: 'max',
      start: 'imagenet',
      augment: 'yes',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual([
      'augment',
      'batchSize',
      'epochs',
      'learningRate',
      'pool',
      'samplesPerClass',
      'start',
      'trainFraction',
    ]);
    expect(r.errors.start).toContain('"imagenet"');
    expect(r.errors.augment).toBe('Augment training images: "yes" is not on or off.');
    expect(r.errors.epochs).toContain('2.5');
    expect(r.errors.epochs).toContain('integer');
    expect(r.errors.batchSize).toBe('Batch size: "abc" is not a number.');
    expect(r.errors.learningRate).toContain('learningRate = 0');
    expect(r.errors.trainFraction).toContain('test split');
    expect(r.errors.trainFraction).toContain('100%');
    expect(r.errors.samplesPerClass).toContain('not a number');
    expect(r.errors.pool).toContain('"max"');
  });

  it('accepts a valid field even when another is invalid (only the bad one is flagged)', () => {
    const r = parseSettingsForm({ ...defaultsForm(), epochs: '0' });
    expect(r.ok ? [] : Object.keys(r.errors)).toEqual(['epochs']);
  });

  it('reads a training config stored while freeze was the boolean freezeConvs as the same mode', () => {
    for (const [freezeConvs, freeze] of [
      [true, 'convs'],
      [false, 'none'],
    ] as const) {
      const { freeze: _now, ...before } = DEFAULT_TRAINING_CONFIG;
      const stored = { ...before, freezeConvs } as unknown as Partial<TrainingConfig>;
      const config = validateTrainingConfig(stored);
      expect(config.freeze).toBe(freeze);
      expect(config).not.toHaveProperty('freezeConvs');
    }
  });

  it('reads the settings out of full configs', () => {
    expect(
      settingsFromConfigs(
        { ...DEFAULT_TRAINING_CONFIG, epochs: 3, seed: 7, freeze: 'convs' },
        { ...DEFAULT_MODEL_CONFIG, pool: 'notebook' },
      ),
    ).toEqual({
      ...DEFAULT_TRAINING_SETTINGS,
      epochs: 3,
      pool: 'notebook',
      freeze: 'convs',
    });
  });

  it('builds validated engine configs that keep the fields the user does not set', () => {
    const { training, model } = configsFromSettings(
      { ...DEFAULT_TRAINING_SETTINGS, epochs: 2, pool: 'notebook', start: 'scratch', augment: false },
      { model: { inputSize: 64 } },
    );
    expect(training).toEqual({ ...DEFAULT_TRAINING_CONFIG, epochs: 2, start: 'scratch', augment: false });
    expect(model.pool).toBe('notebook');
    expect(model.inputSize).toBe(64);
    expect(model.filters).toEqual([64, 128, 128, 256]);
  });
});

describe('basic and advanced settings', () => {
  it('shows Start from and Epochs up front and every other field once under Advanced', () => {
    expect(BASIC_FIELDS).toEqual(['start', 'epochs']);
    const all = [...BASIC_FIELDS, ...ADVANCED_FIELDS];
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual(Object.keys(SETTINGS_FIELDS).sort());
  });

  it('gives every field a one-line help and a longer explanation for the tooltip and the About dialog', () => {
    for (const [field, info] of Object.entries(SETTINGS_FIELDS)) {
      expect(info.help.length, field).toBeLessThanOrEqual(60);
      expect(info.detail.length, field).toBeGreaterThan(info.help.length);
    }
  });

  it('finds no changed advanced field in either start recipe', () => {
    expect(changedAdvanced(defaultsForm())).toEqual([]);
    expect(changedAdvanced(applySettingsChange(defaultsForm(), 'start', 'scratch'))).toEqual([]);
    // Editing the epochs (a basic field) changes nothing under Advanced.
    expect(changedAdvanced(applySettingsChange(defaultsForm(), 'epochs', '12'))).toEqual([]);
  });

  it("names the advanced fields that differ from the chosen start's recipe, in the form's order", () => {
    let form = applySettingsChange(defaultsForm(), 'freeze', 'convs');
    form = applySettingsChange(form, 'batchSize', '8');
    expect(changedAdvanced(form)).toEqual(['batchSize', 'freeze']);
    // Augmentation off is the scratch recipe's own value, but a change when fine-tuning.
    expect(changedAdvanced(applySettingsChange(defaultsForm(), 'augment', 'false'))).toEqual(['augment']);
    expect(changedAdvanced(applySettingsChange(applySettingsChange(defaultsForm(), 'start', 'scratch'), 'augment', 'false'))).toEqual([]);
  });

  it('compares numbers by value, so another spelling of the default is no change', () => {
    let form = applySettingsChange(defaultsForm(), 'learningRate', ' 1e-4 ');
    form = applySettingsChange(form, 'trainFraction', '70.0');
    expect(changedAdvanced(form)).toEqual([]);
    expect(changedAdvanced(applySettingsChange(defaultsForm(), 'learningRate', 'abc'))).toEqual(['learningRate']);
  });
});
