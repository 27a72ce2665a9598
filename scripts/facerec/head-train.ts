/**
 * The pieces of the head's pretraining on cached descriptors: seeded balanced pair sampling,
 * training (Adam, binary cross-entropy, fresh pairs each epoch), scoring, metrics and the
 * calibration of the classifier bias at a target false-accept rate.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed, shuffled } from '../../src/data';
import { DESCRIPTOR_SIZE, headLogits } from '../../src/facerec';
import { equalErrorRate, kFoldAccuracy, rocAuc } from './external';

/** A pair of photos (keys of the descriptor map) and whether they show the same person. */
export interface Pair {
  readonly a: string;
  readonly b: string;
  readonly same: boolean;
}

/**
 * `n` pairs, half of the same person (a person with ≥ 2 photos, two different photos) and half of
 * two different people (one photo each), people and photos drawn uniformly, seeded.
 */
export function samplePairs(people: ReadonlyMap<string, readonly string[]>, n: number, seed: number): Pair[] {
  const names = [...people.keys()];
  const multi = names.filter((p) => people.get(p)!.length >= 2);
  if (multi.length === 0 || names.length < 2)
    throw new Error(`samplePairs: need a person with 2 photos and 2 people (got ${multi.length} and ${names.length})`);
  const rand = createRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pairs: Pair[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      const photos = people.get(pick(multi))!;
      const x = Math.floor(rand() * photos.length);
      let y = Math.floor(rand() * (photos.length - 1));
      if (y >= x) y++;
      pairs.push({ a: photos[x]!, b: photos[y]!, same: true });
    } else {
      const p = pick(names);
      let q = pick(names);
      while (q === p) q = pick(names);
      pairs.push({ a: pick(people.get(p)!), b: pick(people.get(q)!), same: false });
    }
  }
  return pairs;
}

/** Splits people into a held-out share (for calibration) and the rest, seeded. */
export function splitPeople<T>(
  people: ReadonlyMap<string, T>,
  heldShare: number,
  seed: number,
): { train: Map<string, T>; held: Map<string, T> } {
  const names = shuffled([...people.keys()].sort(), seed);
  const nHeld = Math.round(names.length * heldShare);
  const held = new Map(names.slice(0, nHeld).map((n) => [n, people.get(n)!] as const));
  const train = new Map(names.slice(nHeld).map((n) => [n, people.get(n)!] as const));
  return { train, held };
}

const lookup = (descriptors: ReadonlyMap<string, Float32Array>, key: string) => {
  const d = descriptors.get(key);
  if (!d) throw new Error(`no descriptor for ${key}`);
  return d;
};

export interface TrainOptions {
  readonly epochs: number;
  /** Fresh pairs drawn for each epoch. */
  readonly pairsPerEpoch: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed: number;
  readonly onEpoch?: (epoch: number, loss: number) => void;
}

/**
 * Trains `head` (buildHead()) in place on pairs of `people`'s descriptors. Returns the mean loss
 * of each epoch. Leaves no tensors beyond the optimizer, which it disposes.
 */
export async function trainHead(
  head: tf.LayersModel,
  descriptors: ReadonlyMap<string, Float32Array>,
  people: ReadonlyMap<string, readonly string[]>,
  options: TrainOptions,
): Promise<number[]> {
  const batchSize = options.batchSize ?? 256;
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  head.compile({ optimizer, loss: 'binaryCrossentropy' });
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const pairs = samplePairs(people, options.pairsPerEpoch, deriveSeed(options.seed, epoch));
      let sum = 0;
      let batches = 0;
      for (let i = 0; i < pairs.length; i += batchSize) {
        const part = pairs.slice(i, i + batchSize);
        const [a, b, y] = tf.tidy(() => {
          const fa = new Float32Array(part.length * DESCRIPTOR_SIZE);
          const fb = new Float32Array(part.length * DESCRIPTOR_SIZE);
          part.forEach((p, k) => {
            fa.set(lookup(descriptors, p.a), k * DESCRIPTOR_SIZE);
            fb.set(lookup(descriptors, p.b), k * DESCRIPTOR_SIZE);
          });
          return [
            tf.tensor2d(fa, [part.length, DESCRIPTOR_SIZE]),
            tf.tensor2d(fb, [part.length, DESCRIPTOR_SIZE]),
            tf.tensor2d(
              part.map((p) => (p.same ? 1 : 0)),
              [part.length, 1],
            ),
          ];
        });
        try {
          const loss = await head.trainOnBatch([a, b], y);
          sum += Array.isArray(loss) ? loss[0]! : loss;
          batches++;
        } finally {
          tf.dispose([a, b, y]);
        }
      }
      losses.push(sum / batches);
      options.onEpoch?.(epoch, sum / batches);
    }
  } finally {
    optimizer.dispose();
  }
  return losses;
}

/** The head's logits for pairs. */
export function scoreHead(head: tf.LayersModel, descriptors: ReadonlyMap<string, Float32Array>, pairs: readonly Pair[]): number[] {
  return [
    ...headLogits(
      head,
      pairs.map((p) => lookup(descriptors, p.a)),
      pairs.map((p) => lookup(descriptors, p.b)),
    ),
  ];
}

/** −‖a − b‖ (higher = more alike): the raw descriptor baseline, face-api's own rule. */
export function scoreDistance(descriptors: ReadonlyMap<string, Float32Array>, pairs: readonly Pair[]): number[] {
  return pairs.map((p) => {
    const a = lookup(descriptors, p.a);
    const b = lookup(descriptors, p.b);
    let s = 0;
    for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2;
    return -Math.sqrt(s);
  });
}

export interface PairMetrics {
  readonly pairs: number;
  readonly auc: number;
  readonly eer: number;
  readonly accuracy10Fold: number;
  readonly accuracy10FoldStd: number;
}

export function byClass(pairs: readonly Pair[], scores: readonly number[]): { genuine: number[]; impostor: number[] } {
  const genuine: number[] = [];
  const impostor: number[] = [];
  pairs.forEach((p, i) => (p.same ? genuine : impostor).push(scores[i]!));
  return { genuine, impostor };
}

export function pairMetrics(pairs: readonly Pair[], scores: readonly number[]): PairMetrics {
  const { genuine, impostor } = byClass(pairs, scores);
  const cv = kFoldAccuracy(genuine, impostor, 10);
  return {
    pairs: pairs.length,
    auc: rocAuc(genuine, impostor),
    eer: equalErrorRate(genuine, impostor).eer,
    accuracy10Fold: cv.accuracy,
    accuracy10FoldStd: cv.std,
  };
}

/**
 * The lowest threshold accepting (score > threshold) at most a fraction `far` of the impostor
 * scores, as scripts/pretrain/calibrate.mjs picks it.
 */
export function thresholdAtFar(impostor: readonly number[], far: number): number {
  if (impostor.length === 0) throw new Error('thresholdAtFar: no impostor scores');
  const desc = [...impostor].sort((a, b) => b - a);
  return desc[Math.min(desc.length - 1, Math.floor(far * desc.length))]!;
}

/** FAR and FRR of scores at a threshold (granted: score > threshold). */
export function ratesAt(genuine: readonly number[], impostor: readonly number[], threshold: number): { far: number; frr: number } {
  return {
    far: impostor.filter((s) => s > threshold).length / impostor.length,
    frr: genuine.filter((s) => !(s > threshold)).length / genuine.length,
  };
}
