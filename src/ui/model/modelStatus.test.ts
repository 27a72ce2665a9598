import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG, REFERENCE_TRAINING_CONFIG } from '../../config';
import { describeModel, PRETRAINED_TITLE, trainedFrom } from './modelStatus';

const summary = (over: object = {}) => ({
  modelConfig: DEFAULT_MODEL_CONFIG,
  trainingConfig: DEFAULT_TRAINING_CONFIG,
  history: [],
  final: null,
  trainPairs: 11,
  testPairs: 5,
  backend: 'wasm',
  ...over,
});
const date = () => 'today';

describe('describeModel', () => {
  it('names the pretrained model before any training: works now, gets better after Train', () => {
    const d = describeModel(
      { status: 'ready', source: 'pretrained', error: null, training: { pretrained: { version: 'x', source: 'cache' } } },
      date,
    );
    expect(d).toMatchObject({ kind: 'pretrained', title: PRETRAINED_TITLE });
    expect(d.title).toBe('Pretrained face model — works now, gets better after Train');
    expect(d.detail).toContain('Train fits the head to your captures in seconds');
    const koch = describeModel({ status: 'ready', source: 'pretrained', error: null, faceModel: 'koch' }, date);
    expect(koch.detail).toContain('Train fine-tunes it on your captures');
    expect(koch.detail).toContain('Face model: Reference network (Koch et al.).');
    // A stored model that could not be read: the pretrained model verifies, and the error is said.
    expect(describeModel({ status: 'ready', source: 'pretrained', error: 'The stored model could not be loaded: bad.' }).detail).toContain(
      'could not be loaded: bad',
    );
  });

  it('says the trained model is fine-tuned on you, trained from scratch, or imported', () => {
    expect(
      describeModel(
        {
          status: 'ready',
          source: 'trained',
          error: null,
          training: summary({ startedFrom: 'pretrained' }),
          createdAt: '2025-01-01T00:00:00Z',
        },
        date,
      ),
    ).toMatchObject({
      kind: 'fine-tuned',
      title: 'Fine-tuned on you',
      detail: expect.stringContaining('Saved today. Delete it to go back to the pretrained model.'),
    });
    expect(
      describeModel({
        status: 'ready',
        source: 'trained',
        error: null,
        training: summary({ startedFrom: 'scratch', trainingConfig: REFERENCE_TRAINING_CONFIG }),
      }).kind,
    ).toBe('scratch');
    expect(describeModel({ status: 'ready', source: 'trained', error: null, training: undefined }).kind).toBe('imported');
  });

  it('says why there is no model when the pretrained one failed too, and when it is loading', () => {
    expect(
      describeModel({
        status: 'none',
        source: null,
        error: 'The pretrained face model could not be loaded (HTTP 404): train a model or import one to verify.',
      }),
    ).toEqual({
      kind: 'none',
      title: 'No model',
      detail: 'The pretrained face model could not be loaded (HTTP 404): train a model or import one to verify.',
    });
    expect(describeModel({ status: 'loading', source: null, error: null }).kind).toBe('loading');
  });
});

describe('trainedFrom', () => {
  it('reads the start from a training summary; models from before the field was recorded were fine-tuned', () => {
    expect(trainedFrom(summary({ startedFrom: 'scratch' }))).toBe('scratch');
    expect(trainedFrom(summary())).toBe('pretrained');
    expect(trainedFrom({ pretrained: {} })).toBeNull();
    expect(trainedFrom(null)).toBeNull();
  });
});
