import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EPOCHS,
  DEFAULT_FACEREC_CONFIG,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  FACEREC_TRAINING_CONFIG,
  REFERENCE_TRAINING_CONFIG,
  validateTrainingConfig,
  type KochConfig,
  type TrainingConfig,
} from '../../config';
import { DEFAULT_SETTINGS } from '../../data';
import {
  ADVANCED_FIELDS,
  BASIC_FIELDS,
  DEFAULT_TRAINING_SETTINGS,
  FACEREC_SCRATCH_NOTE,
  KOCH_ONLY_FIELDS,
  NO_PRETRAINED_NOTE,
  SCRATCH_NOTE,
  SETTINGS_FIELDS,
  TRAINING_PRESETS,
  advancedFields,
  applySettingsChange,
  changedAdvanced,
  configsFromSettings,
  fieldHelp,
  parseSettingsForm,
  settingsFromConfigs,
  settingsToForm,
  startNote,
  type SettingsForm,
  type TrainingSettings,
} from './settings';

const defaultsForm = (): SettingsForm => settingsToForm(DEFAULT_TRAINING_SETTINGS);
/** The reference network's fine-tuning recipe (the app's defaults before the ResNet), as the form shows it. */
const KOCH_SETTINGS: TrainingSettings = settingsFromConfigs(DEFAULT_TRAINING_CONFIG, DEFAULT_MODEL_CONFIG);
const kochForm = (): SettingsForm => settingsToForm(KOCH_SETTINGS);

describe('training settings form', () => {
  it("has the app's defaults: the ResNet's pretrained head, fine-tuned for 30 epochs in batches of 8 at 0.001, calibrated, as the settings store's", () => {
    expect(DEFAULT_TRAINING_SETTINGS).toEqual({
      faceModel: 'facerec',
      start: 'pretrained',
      epochs: 30,
      batchSize: 8,
      learningRate: 1e-3,
      samplesPerClass: 300,
      trainFraction: 0.7,
      pool: 'paper',
      augment: false,
      freeze: 'none',
      calibrate: true,
    });
    expect(defaultsForm()).toEqual({
      faceModel: 'facerec',
      start: 'pretrained',
      epochs: '30',
      batchSize: '8',
      learningRate: '0.001',
      samplesPerClass: '300',
      trainFraction: '70',
      pool: 'paper',
      augment: 'false',
      freeze: 'none',
      calibrate: 'true',
    });
    // A new user's stored settings are the same.
    expect(settingsFromConfigs(DEFAULT_SETTINGS.training, DEFAULT_SETTINGS.model)).toEqual(DEFAULT_TRAINING_SETTINGS);
  });

  it("reads the reference network's recipes: fine-tuning (5 epochs, augmented, calibrated) and the reference's from scratch", () => {
    expect(KOCH_SETTINGS).toEqual({
      faceModel: 'koch',
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
    expect(settingsFromConfigs(REFERENCE_TRAINING_CONFIG, DEFAULT_MODEL_CONFIG)).toEqual({
      ...KOCH_SETTINGS,
      start: 'scratch',
      epochs: 50,
      augment: false,
      calibrate: false,
    });
  });

  it("choosing where the reference network starts sets that choice's recipe (from scratch: the reference's; fine-tuning: the app's), which stays editable", () => {
    const scratch = applySettingsChange(kochForm(), 'start', 'scratch');
    expect(scratch).toEqual({
      ...kochForm(),
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
    expect(back).toEqual({ ...kochForm(), start: 'pretrained' });
    expect(parseSettingsForm(back)).toEqual({ ok: true, settings: KOCH_SETTINGS });
    expect(applySettingsChange(kochForm(), 'augment', 'false')).toEqual({ ...kochForm(), augment: 'false' });
  });

  it("choosing a face model sets its recipe (the ResNet's head: FACEREC_TRAINING_CONFIG; the reference network: the app's former defaults)", () => {
    const koch = applySettingsChange(defaultsForm(), 'faceModel', 'koch');
    expect(koch).toEqual(kochForm());
    expect(parseSettingsForm(koch)).toEqual({ ok: true, settings: KOCH_SETTINGS });
    // And back: the ResNet's recipe again, whatever the reference network's fields were.
    const tuned = applySettingsChange(
      applySettingsChange(applySettingsChange(koch, 'freeze', 'convs'), 'epochs', '12'),
      'pool',
      'notebook',
    );
    const facerec = applySettingsChange(tuned, 'faceModel', 'facerec');
    expect(facerec).toEqual({ ...defaultsForm(), pool: 'notebook' }); // the pooling is hidden, kept for the reference network
    expect(parseSettingsForm(facerec)).toEqual({ ok: true, settings: DEFAULT_TRAINING_SETTINGS });
    expect(applySettingsChange(facerec, 'faceModel', 'koch')).toEqual({ ...kochForm(), pool: 'notebook' });
    // Choosing the same face model again keeps the edits.
    const edited = applySettingsChange(defaultsForm(), 'epochs', '50');
    expect(applySettingsChange(edited, 'faceModel', 'facerec')).toEqual(edited);
    // The face model of the recipe is the one chosen, whatever the start.
    const kochScratch = applySettingsChange(applySettingsChange(kochForm(), 'start', 'scratch'), 'faceModel', 'facerec');
    expect(parseSettingsForm(kochScratch)).toEqual({
      ok: true,
      settings: settingsFromConfigs({ ...FACEREC_TRAINING_CONFIG, start: 'scratch' }, DEFAULT_FACEREC_CONFIG),
    });
  });

  it("choosing where the ResNet's head starts keeps its recipe: from scratch is the same recipe from a random head", () => {
    expect(TRAINING_PRESETS.facerec.scratch).toEqual({ ...FACEREC_TRAINING_CONFIG, start: 'scratch' });
    const scratch = applySettingsChange(defaultsForm(), 'start', 'scratch');
    expect(scratch).toEqual({ ...defaultsForm(), start: 'scratch' });
    expect(applySettingsChange(scratch, 'start', 'pretrained')).toEqual(defaultsForm());
  });

  it('round-trips the defaults and a custom set through the form', () => {
    expect(parseSettingsForm(defaultsForm())).toEqual({ ok: true, settings: DEFAULT_TRAINING_SETTINGS });
    const custom = {
      faceModel: 'koch',
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
    const facerec = {
      ...DEFAULT_TRAINING_SETTINGS,
      start: 'scratch',
      epochs: 2,
      batchSize: 4,
      learningRate: 0.01,
      calibrate: false,
    } as const;
    expect(parseSettingsForm(settingsToForm(facerec))).toEqual({ ok: true, settings: facerec });
  });

  it("does not read the fields that do not apply to the ResNet: they take its recipe's values", () => {
    const hidden = { ...defaultsForm(), pool: 'notebook', augment: 'true', freeze: 'convs' };
    expect(parseSettingsForm(hidden)).toEqual({ ok: true, settings: DEFAULT_TRAINING_SETTINGS });
    // Not even invalid text there is an error.
    expect(parseSettingsForm({ ...defaultsForm(), pool: 'max', augment: 'yes', freeze: 'all' })).toEqual({
      ok: true,
      settings: DEFAULT_TRAINING_SETTINGS,
    });
    expect(parseSettingsForm({ ...kochForm(), pool: 'max' })).toMatchObject({
      ok: false,
      errors: { pool: expect.stringContaining('"max"') },
    });
  });

  it('accepts surrounding spaces and exponent notation', () => {
    const r = parseSettingsForm({ ...defaultsForm(), learningRate: ' 3e-4 ', epochs: ' 7' });
    expect(r.ok && r.settings.learningRate).toBe(3e-4);
    expect(r.ok && r.settings.epochs).toBe(7);
  });

  it('reports an error per bad field, naming the value', () => {
    const r = parseSettingsForm({
      ...kochForm(),
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
    const face = parseSettingsForm({ ...defaultsForm(), faceModel: 'vgg' });
    expect(face).toMatchObject({ ok: false, errors: { faceModel: expect.stringContaining('"vgg"') } });
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

  it('reads the settings out of full configs: the face model from the model config (none named: the reference network)', () => {
    const training: TrainingConfig = { ...DEFAULT_TRAINING_CONFIG, epochs: 3, seed: 7, freeze: 'convs' };
    const koch = { ...KOCH_SETTINGS, epochs: 3, pool: 'notebook', freeze: 'convs' } as const;
    expect(settingsFromConfigs(training, { ...DEFAULT_MODEL_CONFIG, pool: 'notebook' })).toEqual(koch);
    expect(settingsFromConfigs(training, { ...DEFAULT_MODEL_CONFIG, pool: 'notebook', faceModel: 'koch' })).toEqual(koch);
    // The ResNet: no pooling, and its recipe's values for the fields that do not apply to it.
    expect(settingsFromConfigs({ ...training, augment: true }, DEFAULT_FACEREC_CONFIG)).toEqual({
      ...koch,
      faceModel: 'facerec',
      pool: 'paper',
      augment: false,
      freeze: 'none',
    });
  });

  it('builds validated engine configs for the reference network that keep the fields the user does not set and name the face model', () => {
    const { training, model } = configsFromSettings(
      { ...KOCH_SETTINGS, epochs: 2, pool: 'notebook', start: 'scratch', augment: false },
      { model: { inputSize: 64 } },
    );
    expect(training).toEqual({ ...DEFAULT_TRAINING_CONFIG, epochs: 2, start: 'scratch', augment: false });
    expect(model).toEqual({ ...DEFAULT_MODEL_CONFIG, faceModel: 'koch', pool: 'notebook', inputSize: 64 } satisfies KochConfig);
    // A stored ResNet config gives the reference network nothing.
    expect(configsFromSettings(KOCH_SETTINGS, { model: DEFAULT_FACEREC_CONFIG }).model).toEqual({
      ...DEFAULT_MODEL_CONFIG,
      faceModel: 'koch',
    });
  });

  it("builds the ResNet's configs: its model config (keeping a stored one's fields), its recipe's values for the fields that do not apply", () => {
    const { training, model } = configsFromSettings(
      { ...DEFAULT_TRAINING_SETTINGS, epochs: 40, augment: true, freeze: 'convs', pool: 'notebook' },
      { training: { ...FACEREC_TRAINING_CONFIG, seed: 9 }, model: { ...DEFAULT_FACEREC_CONFIG, projection: 32 } },
    );
    expect(training).toEqual({ ...FACEREC_TRAINING_CONFIG, seed: 9, epochs: 40 });
    expect(model).toEqual({ ...DEFAULT_FACEREC_CONFIG, projection: 32 });
    // A stored reference config gives the ResNet nothing.
    expect(configsFromSettings(DEFAULT_TRAINING_SETTINGS, { model: { ...DEFAULT_MODEL_CONFIG, inputSize: 64 } })).toEqual({
      training: FACEREC_TRAINING_CONFIG,
      model: DEFAULT_FACEREC_CONFIG,
    });
    // And back: the configs read as the same settings.
    const both = configsFromSettings(DEFAULT_TRAINING_SETTINGS);
    expect(settingsFromConfigs(both.training, both.model)).toEqual(DEFAULT_TRAINING_SETTINGS);
  });
});

describe('basic and advanced settings', () => {
  it('shows Face model, Start from and Epochs up front and every other field once under Advanced', () => {
    expect(BASIC_FIELDS).toEqual(['faceModel', 'start', 'epochs']);
    const all = [...BASIC_FIELDS, ...ADVANCED_FIELDS];
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual(Object.keys(SETTINGS_FIELDS).sort());
  });

  it('gives every field a one-line help (per face model where it differs) and a longer explanation for the tooltip and the About dialog', () => {
    for (const [field, info] of Object.entries(SETTINGS_FIELDS)) {
      expect(info.help.length, field).toBeLessThanOrEqual(60);
      expect(info.facerecHelp?.length ?? 0, field).toBeLessThanOrEqual(60);
      expect(info.detail.length, field).toBeGreaterThan(Math.max(info.help.length, info.facerecHelp?.length ?? 0));
    }
    // The epochs' help gives each face model's own number.
    expect(fieldHelp('epochs', 'koch')).toContain(`${DEFAULT_EPOCHS.pretrained} to fine-tune`);
    expect(fieldHelp('epochs', 'facerec')).not.toContain(`${DEFAULT_EPOCHS.pretrained} to fine-tune`);
    expect(fieldHelp('epochs', 'facerec')).toContain(String(FACEREC_TRAINING_CONFIG.epochs));
    expect(fieldHelp('learningRate', 'facerec')).toContain(String(FACEREC_TRAINING_CONFIG.learningRate));
    expect(fieldHelp('batchSize', 'facerec')).toBe(SETTINGS_FIELDS.batchSize.help);
  });

  it('shows the pooling, frozen layers and augmentation for the reference network only', () => {
    expect(KOCH_ONLY_FIELDS).toEqual(['pool', 'freeze', 'augment']);
    expect(advancedFields('koch')).toEqual(ADVANCED_FIELDS);
    expect(advancedFields('facerec')).toEqual(['batchSize', 'learningRate', 'samplesPerClass', 'trainFraction', 'calibrate']);
  });

  it('finds no changed advanced field in any recipe of either face model', () => {
    for (const form of [defaultsForm(), kochForm()]) {
      expect(changedAdvanced(form)).toEqual([]);
      expect(changedAdvanced(applySettingsChange(form, 'start', 'scratch'))).toEqual([]);
      // Editing the epochs (a basic field) changes nothing under Advanced.
      expect(changedAdvanced(applySettingsChange(form, 'epochs', '12'))).toEqual([]);
    }
    expect(changedAdvanced(applySettingsChange(defaultsForm(), 'faceModel', 'koch'))).toEqual([]);
    expect(changedAdvanced(applySettingsChange(kochForm(), 'faceModel', 'facerec'))).toEqual([]);
  });

  it("names the reference network's advanced fields that differ from the chosen start's recipe, in the form's order", () => {
    let form = applySettingsChange(kochForm(), 'freeze', 'convs');
    form = applySettingsChange(form, 'batchSize', '8');
    expect(changedAdvanced(form)).toEqual(['batchSize', 'freeze']);
    // Augmentation off is the scratch recipe's own value, but a change when fine-tuning.
    expect(changedAdvanced(applySettingsChange(kochForm(), 'augment', 'false'))).toEqual(['augment']);
    expect(changedAdvanced(applySettingsChange(applySettingsChange(kochForm(), 'start', 'scratch'), 'augment', 'false'))).toEqual([]);
    // The ResNet's learning rate is a change for the reference network.
    expect(changedAdvanced(applySettingsChange(kochForm(), 'learningRate', '0.001'))).toEqual(['learningRate']);
  });

  it("names the ResNet's changed advanced fields against its recipe, never the hidden ones", () => {
    let form = applySettingsChange(defaultsForm(), 'calibrate', 'false');
    form = applySettingsChange(form, 'learningRate', '0.0001');
    expect(changedAdvanced(form)).toEqual(['learningRate', 'calibrate']);
    // The reference network's values in the hidden fields are no change.
    const hidden = { ...defaultsForm(), pool: 'notebook', freeze: 'embedding', augment: 'true' };
    expect(changedAdvanced(hidden)).toEqual([]);
    expect(changedAdvanced(applySettingsChange(hidden, 'start', 'scratch'))).toEqual([]);
  });

  it('compares numbers by value, so another spelling of the default is no change', () => {
    let form = applySettingsChange(kochForm(), 'learningRate', ' 1e-4 ');
    form = applySettingsChange(form, 'trainFraction', '70.0');
    expect(changedAdvanced(form)).toEqual([]);
    expect(changedAdvanced(applySettingsChange(defaultsForm(), 'learningRate', '1e-3'))).toEqual([]);
    expect(changedAdvanced(applySettingsChange(defaultsForm(), 'learningRate', 'abc'))).toEqual(['learningRate']);
  });
});

describe('the note under the start choice', () => {
  it('warns about the reference network from scratch, or without pretrained weights for the notebook pooling', () => {
    expect(startNote(kochForm())).toBeNull();
    expect(startNote(applySettingsChange(kochForm(), 'start', 'scratch'))).toBe(SCRATCH_NOTE);
    expect(startNote(applySettingsChange(kochForm(), 'pool', 'notebook'))).toBe(NO_PRETRAINED_NOTE);
    expect(SCRATCH_NOTE).toContain('needs many more captures and epochs');
  });

  it("says that the ResNet's head from scratch starts from random weights; the hidden pooling says nothing", () => {
    expect(startNote(defaultsForm())).toBeNull();
    expect(startNote({ ...defaultsForm(), pool: 'notebook' })).toBeNull();
    expect(startNote(applySettingsChange(defaultsForm(), 'start', 'scratch'))).toBe(FACEREC_SCRATCH_NOTE);
    expect(FACEREC_SCRATCH_NOTE).toContain('random weights');
  });
});
