import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FACEREC_CONFIG,
  DEFAULT_MODEL_CONFIG,
  DEFAULT_TRAINING_CONFIG,
  FACEREC_TRAINING_CONFIG,
  REFERENCE_TRAINING_CONFIG,
  type KochConfig,
  type TrainingConfig,
} from '../../config';
import { checkpointPlace, resumeOffer, type ResumableCheckpoint } from './resume';
import { DEFAULT_TRAINING_SETTINGS, settingsFromConfigs } from './settings';

/** A checkpoint of the reference network (its model config as stored before the face model choice). */
const ckpt = (
  epochsDone: number,
  training: Partial<TrainingConfig> = {},
  model: Partial<KochConfig> = {},
  batchesDone = 0,
): ResumableCheckpoint => ({
  training: { ...DEFAULT_TRAINING_CONFIG, ...training },
  model: { ...DEFAULT_MODEL_CONFIG, ...model },
  epochsDone,
  batchesDone,
});
/** The reference network's fine-tuning settings. */
const KOCH_SETTINGS = settingsFromConfigs(DEFAULT_TRAINING_CONFIG, DEFAULT_MODEL_CONFIG);
/** A checkpoint of the face-recognition ResNet's head. */
const facerecCkpt = (epochsDone: number, training: Partial<TrainingConfig> = {}): ResumableCheckpoint => ({
  training: { ...FACEREC_TRAINING_CONFIG, ...training },
  model: DEFAULT_FACEREC_CONFIG,
  epochsDone,
  batchesDone: 0,
});

describe('checkpointPlace', () => {
  it('says where a checkpoint was written', () => {
    expect(checkpointPlace({ epochsDone: 0, batchesDone: 2 })).toBe('in epoch 1 (after 2 batches)');
    expect(checkpointPlace({ epochsDone: 10, batchesDone: 0 }, 50)).toBe('after epoch 10 of 50');
    expect(checkpointPlace({ epochsDone: 3, batchesDone: 1 }, 50)).toBe('in epoch 4 of 50 (after 1 batch)');
  });
});

describe('resumeOffer', () => {
  it('offers nothing without a checkpoint or when it is finished', () => {
    expect(resumeOffer(null, KOCH_SETTINGS)).toEqual({ kind: 'none' });
    expect(resumeOffer(ckpt(DEFAULT_TRAINING_CONFIG.epochs), KOCH_SETTINGS)).toEqual({ kind: 'none' });
  });

  it('resumes from the next epoch with unchanged settings', () => {
    // The app's defaults fine-tune for 5 epochs.
    const offer = resumeOffer(ckpt(3), KOCH_SETTINGS);
    expect(offer).toEqual({
      kind: 'resume',
      fromEpoch: 4,
      totalEpochs: 5,
      training: DEFAULT_TRAINING_CONFIG,
      model: DEFAULT_MODEL_CONFIG,
      changes: [],
      message: 'Training stopped after epoch 3 of 5. Resume continues with epoch 4.',
    });
    // The reference recipe's 50 epochs from scratch.
    const reference = settingsFromConfigs(REFERENCE_TRAINING_CONFIG, DEFAULT_MODEL_CONFIG);
    expect(
      resumeOffer({ training: REFERENCE_TRAINING_CONFIG, model: DEFAULT_MODEL_CONFIG, epochsDone: 20, batchesDone: 0 }, reference),
    ).toMatchObject({
      fromEpoch: 21,
      totalEpochs: 50,
      changes: [],
      message: 'Training stopped after epoch 20 of 50. Resume continues with epoch 21.',
    });
  });

  it('says where a Stop mid-epoch left off', () => {
    expect(resumeOffer(ckpt(2, {}, {}, 1), KOCH_SETTINGS)).toMatchObject({
      message: 'Training stopped in epoch 3 of 5 (after 1 batch). Resume continues with epoch 3.',
    });
    const offer = resumeOffer(ckpt(0, { epochs: 2 }, {}, 3), { ...KOCH_SETTINGS, epochs: 2 });
    expect(offer).toMatchObject({
      kind: 'resume',
      fromEpoch: 1,
      message: 'Training stopped in epoch 1 of 2 (after 3 batches). Resume continues with epoch 1.',
    });
  });

  it("uses the checkpoint's settings when the form changed, and says which changed", () => {
    const checkpoint = ckpt(1, { epochs: 2, batchSize: 4 }, { pool: 'notebook' });
    const offer = resumeOffer(checkpoint, {
      ...KOCH_SETTINGS,
      epochs: 5,
      trainFraction: 0.8,
      freeze: 'convs',
    });
    if (offer.kind !== 'resume') throw new Error('expected an offer');
    expect(offer.totalEpochs).toBe(2);
    expect(offer.fromEpoch).toBe(2);
    expect(offer.training).toEqual({ ...DEFAULT_TRAINING_CONFIG, epochs: 2, batchSize: 4 });
    expect(offer.model).toBe(checkpoint.model);
    expect(offer.changes).toEqual([
      { field: 'epochs', checkpoint: '2', current: '5' },
      { field: 'batchSize', checkpoint: '4', current: '16' },
      { field: 'trainFraction', checkpoint: '70%', current: '80%' },
      { field: 'pool', checkpoint: 'Notebook (64)', current: 'Paper (2×2)' },
      { field: 'freeze', checkpoint: 'none', current: 'convs' },
    ]);
    expect(offer.message).toContain('epochs 2 → 5, batch size 4 → 16');
    expect(offer.message).toContain("resuming uses the checkpoint's settings");
  });

  it("resumes a ResNet checkpoint with the app's defaults unchanged", () => {
    const offer = resumeOffer(facerecCkpt(10), DEFAULT_TRAINING_SETTINGS);
    expect(offer).toEqual({
      kind: 'resume',
      fromEpoch: 11,
      totalEpochs: 30,
      training: FACEREC_TRAINING_CONFIG,
      model: DEFAULT_FACEREC_CONFIG,
      changes: [],
      message: 'Training stopped after epoch 10 of 30. Resume continues with epoch 11.',
    });
    // The fields that do not apply to the ResNet are no change, whatever the form's hidden values.
    expect(resumeOffer(facerecCkpt(10), { ...DEFAULT_TRAINING_SETTINGS, pool: 'notebook', augment: true, freeze: 'convs' })).toMatchObject({
      changes: [],
    });
  });

  it("says that the face model changed since the checkpoint, and the fields both face models have, not the reference network's own", () => {
    // A reference network checkpoint (stored before the choice: no faceModel), the ResNet chosen since.
    const toResNet = resumeOffer(ckpt(2, {}, { pool: 'notebook' }), DEFAULT_TRAINING_SETTINGS);
    if (toResNet.kind !== 'resume') throw new Error('expected an offer');
    expect(toResNet.changes).toEqual([
      { field: 'faceModel', checkpoint: 'Reference network (Koch et al.)', current: 'Face recognition ResNet' },
      { field: 'epochs', checkpoint: '5', current: '30' },
      { field: 'batchSize', checkpoint: '16', current: '8' },
      { field: 'learningRate', checkpoint: '0.0001', current: '0.001' },
    ]);
    expect(toResNet.message).toContain('face model Reference network (Koch et al.) → Face recognition ResNet, epochs 5 → 30');
    expect(toResNet.model).toEqual({ ...DEFAULT_MODEL_CONFIG, pool: 'notebook' });
    // And the other way.
    const toKoch = resumeOffer(facerecCkpt(3), KOCH_SETTINGS);
    if (toKoch.kind !== 'resume') throw new Error('expected an offer');
    expect(toKoch.changes.map((c) => c.field)).toEqual(['faceModel', 'epochs', 'batchSize', 'learningRate']);
    expect(toKoch.changes[0]).toEqual({
      field: 'faceModel',
      checkpoint: 'Face recognition ResNet',
      current: 'Reference network (Koch et al.)',
    });
    expect(toKoch.training).toEqual(FACEREC_TRAINING_CONFIG);
  });
});
