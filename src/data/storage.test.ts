import 'fake-indexeddb/auto';
import { createStore, get, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FACEREC_CONFIG,
  DEFAULT_LIVENESS_SETTINGS,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  FACEREC_TRAINING_CONFIG,
  livenessConfigOf,
  REFERENCE_TRAINING_CONFIG,
  type TrainingConfig,
} from '../config';
import { createSettingsStore, DEFAULT_SETTINGS } from './storage';

let dbCount = 0;
const freshStore = () => createStore(`test-settings-facemodel-${++dbCount}`, 'settings');

/** A Koch config as stored before the face model choice: no `faceModel` key. */
const legacyKoch = { ...DEFAULT_MODEL_CONFIG, pool: 'notebook' };

describe('settings store: the face model', () => {
  it("gives a new user the face-recognition ResNet and its head's recipe", async () => {
    const settings = createSettingsStore(freshStore());
    expect(DEFAULT_SETTINGS.model).toEqual(DEFAULT_FACEREC_CONFIG);
    expect(await settings.get('model')).toEqual(DEFAULT_FACEREC_CONFIG);
    expect(await settings.get('training')).toEqual(FACEREC_TRAINING_CONFIG);
  });

  it('reads model and training settings stored before the face model choice as the new default face model and its recipe', async () => {
    const idb = freshStore();
    expect(legacyKoch).not.toHaveProperty('faceModel');
    await set('model', legacyKoch, idb);
    await set('training', { ...REFERENCE_TRAINING_CONFIG, epochs: 12 }, idb);
    const settings = createSettingsStore(idb);
    expect(await settings.get('model')).toEqual(DEFAULT_FACEREC_CONFIG);
    expect(await settings.get('training')).toEqual(FACEREC_TRAINING_CONFIG);
    // Only reading: what was stored stays until the user saves new settings.
    expect(await get('model', idb)).toEqual(legacyKoch);
  });

  it('keeps a Koch model chosen after the update, stored with its face model named, and its training', async () => {
    const idb = freshStore();
    const settings = createSettingsStore(idb);
    // Even a Koch config without the key is written with it, so that it does not read as a legacy one.
    await settings.set('model', legacyKoch as typeof DEFAULT_MODEL_CONFIG);
    await settings.set('training', REFERENCE_TRAINING_CONFIG);
    expect(await get('model', idb)).toEqual({ ...legacyKoch, faceModel: 'koch' });
    const again = createSettingsStore(idb);
    expect(await again.get('model')).toEqual({ ...legacyKoch, faceModel: 'koch' });
    expect(await again.get('training')).toEqual(REFERENCE_TRAINING_CONFIG);
  });

  it('keeps a face-recognition model and its edited training', async () => {
    const idb = freshStore();
    const settings = createSettingsStore(idb);
    await settings.set('model', { ...DEFAULT_FACEREC_CONFIG, projection: 64 });
    await settings.set('training', { ...FACEREC_TRAINING_CONFIG, epochs: 40 });
    expect(await createSettingsStore(idb).get('model')).toEqual({ ...DEFAULT_FACEREC_CONFIG, projection: 64 });
    expect((await createSettingsStore(idb).get('training')).epochs).toBe(40);
  });

  it('reads a training setting stored while freeze was the boolean freezeConvs as the same mode (with a Koch model setting)', async () => {
    for (const [freezeConvs, freeze] of [
      [true, 'convs'],
      [false, 'none'],
    ] as const) {
      const idb = freshStore();
      const { freeze: _now, ...before } = DEFAULT_TRAINING_CONFIG;
      await set('model', { ...DEFAULT_MODEL_CONFIG, faceModel: 'koch' }, idb);
      await set('training', { ...before, freezeConvs }, idb);
      const training: TrainingConfig = await createSettingsStore(idb).get('training');
      expect(training).toEqual({ ...DEFAULT_TRAINING_CONFIG, freeze });
      expect(training).not.toHaveProperty('freezeConvs');
    }
  });

  it('keeps a training setting stored without a model setting (only a legacy model setting replaces it)', async () => {
    const idb = freshStore();
    await createSettingsStore(idb).set('training', { ...FACEREC_TRAINING_CONFIG, epochs: 9 });
    const settings = createSettingsStore(idb);
    expect(await settings.get('model')).toEqual(DEFAULT_FACEREC_CONFIG);
    expect((await settings.get('training')).epochs).toBe(9);
  });
});

describe('settings store: the liveness check', () => {
  it('reads the default (head turn) from a store written before the check existed, and remembers a choice', async () => {
    const idb = freshStore();
    await set('verify', { detectionThreshold: 0.6, verificationThreshold: 0.5 }, idb);
    const settings = createSettingsStore(idb);
    expect(await settings.get('liveness')).toEqual(DEFAULT_LIVENESS_SETTINGS);
    expect(DEFAULT_LIVENESS_SETTINGS.mode).toBe('head-turn');
    await settings.set('liveness', { mode: 'off', seconds: 8 });
    expect(await createSettingsStore(idb).get('liveness')).toEqual({ mode: 'off', seconds: 8 });
  });

  it('refuses an invalid value, and reads a damaged stored one as the default', async () => {
    const idb = freshStore();
    const settings = createSettingsStore(idb);
    await expect(settings.set('liveness', { mode: 'blink' as never, seconds: 5 })).rejects.toThrow(/mode/);
    await expect(settings.set('liveness', { mode: 'head-turn', seconds: 0 })).rejects.toThrow(/seconds/);
    await set('liveness', { mode: 'sideways', seconds: 'x' }, idb);
    expect(await settings.get('liveness')).toEqual(DEFAULT_LIVENESS_SETTINGS);
    expect(livenessConfigOf({ mode: 'head-turn', seconds: 2.5 }).timeLimitMs).toBe(2500);
  });
});
