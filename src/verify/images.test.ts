import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { createStore } from 'idb-keyval';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateModelConfig } from '../config';
import { createSampleStore } from '../data';
import { useCpuBackend } from '../../tools/common/node-backend';
import { listVerificationIds, loadVerificationImages } from './images';

beforeAll(async () => {
  await useCpuBackend();
});

describe('verification images', () => {
  it('lists only verification images; images deleted meanwhile are left out of the batch, no tensors left', async () => {
    const store = createSampleStore(createStore('verify-images-test', 'samples'));
    const add = (kind: 'positive' | 'verification') =>
      store.addSample(new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' }), {
        kind,
        source: 'webcam',
        width: 250,
        height: 250,
      });
    await add('positive');
    const v1 = await add('verification');
    const v2 = await add('verification');
    expect(await listVerificationIds(store)).toEqual([
      { id: v1.id, person: 'me' },
      { id: v2.id, person: 'me' },
    ]);

    const start = tf.memory().numTensors;
    const progress: number[] = [];
    const batch = await loadVerificationImages(
      ['gone-1', 'gone-2'],
      validateModelConfig({ inputSize: 58 }),
      (done) => progress.push(done),
      store,
    );
    expect(batch.shape).toEqual([0, 58, 58, 3]);
    expect(progress).toEqual([]);
    batch.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
