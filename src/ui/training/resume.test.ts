import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, REFERENCE_TRAINING_CONFIG } from '../../config';
import { checkpointPlace, resumeOffer, type ResumableCheckpoint } from './resume';
import { DEFAULT_TRAINING_SETTINGS, settingsFromConfigs } from './settings';

const ckpt = (epochsDone: number, training = {}, model = {}, batchesDone = 0): ResumableCheckpoint => ({
  training: { ...DEFAULT_TRAINING_CONFIG, ...training },
  model: { ...DEFAULT_MODEL_CONFIG, ...model },
  epochsDone,
  batchesDone,
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
    expect(resumeOffer(null, DEFAULT_TRAINING_SETTINGS)).toEqual({ kind: 'none' });
    expect(resumeOffer(ckpt(DEFAULT_TRAINING_CONFIG.epochs), DEFAULT_TRAINING_SETTINGS)).toEqual({ kind: 'none' });
  });

  it('resumes from the next epoch with unchanged settings', () => {
    // The app's defaults fine-tune for 5 epochs.
    const offer = resumeOffer(ckpt(3), DEFAULT_TRAINING_SETTINGS);
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
    expect(resumeOffer(ckpt(2, {}, {}, 1), DEFAULT_TRAINING_SETTINGS)).toMatchObject({
      message: 'Training stopped in epoch 3 of 5 (after 1 batch). Resume continues with epoch 3.',
    });
    const offer = resumeOffer(ckpt(0, { epochs: 2 }, {}, 3), { ...DEFAULT_TRAINING_SETTINGS, epochs: 2 });
    expect(offer).toMatchObject({
      kind: 'resume',
      fromEpoch: 1,
      message: 'Training stopped in epoch 1 of 2 (after 3 batches). Resume continues with epoch 1.',
    });
  });

  it("uses the checkpoint's settings when the form changed, and says which changed", () => {
    const offer = resumeOffer(ckpt(1, { epochs: 2, batchSize: 4 }, { pool: 'notebook' }), {
      ...DEFAULT_TRAINING_SETTINGS,
      epochs: 5,
      trainFraction: 0.8,
      freeze: 'convs',
    });
    if (offer.kind !== 'resume') throw new Error('expected an offer');
    expect(offer.totalEpochs).toBe(2);
    expect(offer.fromEpoch).toBe(2);
    expect(offer.training).toEqual({ ...DEFAULT_TRAINING_CONFIG, epochs: 2, batchSize: 4 });
    expect(offer.model.pool).toBe('notebook');
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
});
