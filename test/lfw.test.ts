import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from '../tools/common/node-backend';
import { lfwPath, photoBatch, photoCount, readPeople, readPhoto } from './lfw';

describe('LFW test fixtures', () => {
  beforeAll(async () => {
    await useCpuBackend();
  });

  it('reads photos as 250×250 RGBA and batches them for the model', () => {
    const p = readPhoto(lfwPath('George_W_Bush', 1));
    expect([p.width, p.height, p.data.length]).toEqual([250, 250, 250 * 250 * 4]);
    expect(photoCount('George_W_Bush')).toBeGreaterThan(100);
    const people = readPeople('people-dev-train.tsv');
    expect(people.length).toBeGreaterThan(100);
    const batch = photoBatch([lfwPath('George_W_Bush', 1), lfwPath('George_W_Bush', 2)], 64, { x: 50, y: 50, size: 150 });
    expect(batch.shape).toEqual([2, 64, 64, 3]);
    const [min, max] = tf.tidy(() => [batch.min().dataSync()[0]!, batch.max().dataSync()[0]!]);
    expect(min >= 0 && max <= 1 && max > 0.5).toBe(true);
    tf.dispose(batch);
  });
});
