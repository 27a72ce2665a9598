import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/data';
import { buildHead, DESCRIPTOR_SIZE, disposeHead } from '../../src/facerec';
import { useWasmBackend } from '../../tools/common/node-backend';
import { pairMetrics, ratesAt, samplePairs, scoreDistance, scoreHead, splitPeople, thresholdAtFar, trainHead } from './head-train';

/**
 * Synthetic people: each a random centre in descriptor space, each photo the centre plus noise
 * (seeded), so that same-person pairs are close and the head has something to learn.
 */
function synthetic(nPeople: number, photos: number, noise: number, seed: number) {
  const rand = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const descriptors = new Map<string, Float32Array>();
  const people = new Map<string, string[]>();
  for (let p = 0; p < nPeople; p++) {
    const centre = Array.from({ length: DESCRIPTOR_SIZE }, () => gauss() * 0.1);
    const list: string[] = [];
    for (let k = 0; k < photos; k++) {
      const key = `P${p}/P${p}_${k}.jpg`;
      descriptors.set(
        key,
        Float32Array.from(centre, (c) => c + gauss() * noise),
      );
      list.push(key);
    }
    people.set(`P${p}`, list);
  }
  return { descriptors, people };
}

beforeAll(() => useWasmBackend());

describe('pair sampling', () => {
  const { people } = synthetic(10, 3, 0.01, 1);
  const personOf = (k: string) => k.split('/')[0];

  it('is balanced, seeded, and pairs two photos of one person or photos of two people', () => {
    const pairs = samplePairs(people, 1000, 7);
    expect(pairs.filter((p) => p.same)).toHaveLength(500);
    for (const p of pairs) {
      expect(p.a).not.toBe(p.b);
      expect(personOf(p.a) === personOf(p.b)).toBe(p.same);
    }
    expect(samplePairs(people, 1000, 7)).toEqual(pairs);
    expect(samplePairs(people, 1000, 8)).not.toEqual(pairs);
  });

  it('splits people into disjoint, seeded training and held-out sets', () => {
    const a = splitPeople(people, 0.3, 5);
    expect(a.held.size).toBe(3);
    expect(a.train.size).toBe(7);
    for (const n of a.held.keys()) expect(a.train.has(n)).toBe(false);
    expect([...splitPeople(people, 0.3, 5).held.keys()]).toEqual([...a.held.keys()]);
  });

  it('finds the threshold at a target false-accept rate', () => {
    const impostor = Array.from({ length: 200 }, (_, i) => i);
    const t = thresholdAtFar(impostor, 0.05);
    expect(ratesAt([1000], impostor, t).far).toBeLessThanOrEqual(0.05);
    expect(ratesAt([1000], impostor, t - 1).far).toBeGreaterThan(0.05);
  });
});

describe('head training on cached descriptors', () => {
  it('learns to tell synthetic people apart (unseen people, both variants), repeatably, leaving no tensors', async () => {
    const { descriptors, people } = synthetic(120, 3, 0.05, 2);
    const { train, held } = splitPeople(people, 0.25, 3);
    const test = samplePairs(held, 400, 4);
    const options = { epochs: 4, pairsPerEpoch: 2048, learningRate: 0.05, seed: 9 };
    const before = tf.memory().numTensors;
    for (const projection of [0, 32]) {
      const head = buildHead({ projection, seed: 1 });
      const untrained = pairMetrics(test, scoreHead(head, descriptors, test)).auc;
      const losses = await trainHead(head, descriptors, train, options);
      const trained = pairMetrics(test, scoreHead(head, descriptors, test));
      expect(losses.at(-1)).toBeLessThan(losses[0]!);
      // On unseen people: the plain head is near perfect; the projection (trained on 90 people) generalises less.
      expect(trained.auc).toBeGreaterThan(projection === 0 ? 0.99 : 0.8);
      expect(trained.auc).toBeGreaterThan(untrained);
      // The same seed gives the same head.
      const again = buildHead({ projection, seed: 1 });
      const losses2 = await trainHead(again, descriptors, train, options);
      expect(losses2).toEqual(losses);
      disposeHead(head);
      disposeHead(again);
    }
    expect(tf.memory().numTensors).toBe(before);
    // The Euclidean baseline on the same pairs, for a sanity check of the metrics.
    expect(pairMetrics(test, scoreDistance(descriptors, test)).auc).toBeGreaterThan(0.95);
  });
});
