/**
 * Timing of the app's model code, shared by the bench page (bench/page/speed.ts, headless
 * Chromium) and the bench's own Node process (bench/node/speed.ts): one embedding-tower forward
 * pass on one image, and training steps of the app's train(). No DOM: it runs on whatever tf.js
 * backend the caller selected.
 */
import * as tf from '@tensorflow/tfjs';
import { buildPairs, createRng } from '../../src/data';
import { buildSiamese, disposeNetwork, inputShape, type SiameseNetwork } from '../../src/model';
import { train } from '../../src/training';
import { median } from '../../tools/common';
import type { ModelSpeed, ModelSpeedRequest } from './types';

/** Seeded values in [0, 1) of a shape (random images). */
export function seededImages(shape: readonly number[], seed: number): tf.Tensor {
  const rand = createRng(seed);
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = rand();
  return tf.tensor(v, [...shape]);
}

/** Wall time of `fn`, ms. */
export async function timeIt(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** One tower pass on one image, waiting for the result. */
export async function embedOnce(net: SiameseNetwork, image: tf.Tensor4D): Promise<void> {
  const e = net.embedding.predict(image) as tf.Tensor;
  await e.data();
  e.dispose();
}

/** `warmup` untimed then `reps` timed tower passes on one seeded image: the timed ms. */
export async function timeForward(net: SiameseNetwork, req: Pick<ModelSpeedRequest, 'warmup' | 'forwardReps' | 'seed'>): Promise<number[]> {
  const image = seededImages([1, ...inputShape(net.config)], req.seed) as tf.Tensor4D;
  const samples: number[] = [];
  try {
    for (let i = 0; i < req.warmup + req.forwardReps; i++) {
      const ms = await timeIt(() => embedOnce(net, image));
      if (i >= req.warmup) samples.push(ms);
    }
  } finally {
    image.dispose();
  }
  return samples;
}

/**
 * Steps of the app's train() (Adam, the app's defaults) on seeded random images: one epoch of
 * `warmup` + `stepReps` full batches of `batchSize`, each timed by train()'s onBatch; returns the
 * timed steps' ms (the warm-up steps left out). The network's weights change.
 */
export async function timeTrainSteps(
  net: SiameseNetwork,
  req: Pick<ModelSpeedRequest, 'warmup' | 'stepReps' | 'batchSize' | 'seed'>,
): Promise<number[]> {
  const steps = req.warmup + req.stepReps;
  const nImages = 2 * req.batchSize;
  const ids = Array.from({ length: nImages }, (_, i) => `img${i}`);
  const third = Math.ceil(nImages / 3);
  const pairs = buildPairs(
    { anchors: ids.slice(0, third), positives: ids.slice(third, 2 * third), negatives: ids.slice(2 * third) },
    { samplesPerClass: nImages, trainFraction: 0.5, seed: req.seed },
  );
  // Enough training pairs for `steps` full batches (pairs repeat; the cost of a step does not
  // depend on which images it sees); one test pair keeps the end-of-epoch evaluation negligible.
  const trainPairs = Array.from({ length: steps * req.batchSize }, (_, i) => pairs.train[i % pairs.train.length]!);
  const samples: number[] = [];
  const images = seededImages([nImages, ...inputShape(net.config)], req.seed + 1) as tf.Tensor4D;
  try {
    await train(
      net,
      { images, index: new Map(ids.map((id, i) => [id, i])), train: trainPairs, test: pairs.test.slice(0, 1) },
      { epochs: 1, batchSize: req.batchSize, seed: req.seed, checkpointEvery: 1000 },
      { onBatch: (p) => p.batch > req.warmup && samples.push(p.stepMs) },
    );
  } finally {
    images.dispose();
  }
  return samples;
}

/** The note of a row whose training step was timed. */
export const stepNote = (batchSize: number): string => `train step: the app's train(), batch ${batchSize}, Adam`;

/**
 * Builds the request's network (buildSiamese), times `warmup` + `forwardReps` tower passes and,
 * when `step`, `warmup` + `stepReps` training steps, then disposes it. Medians of the timed runs.
 */
export async function timeModel(req: ModelSpeedRequest, step: boolean): Promise<ModelSpeed> {
  const net = buildSiamese(req.model);
  try {
    const forwardSamplesMs = await timeForward(net, req);
    const stepSamplesMs = step ? await timeTrainSteps(net, req) : [];
    return {
      embedForwardMs: median(forwardSamplesMs),
      trainStepMs: stepSamplesMs.length > 0 ? median(stepSamplesMs) : null,
      warmup: req.warmup,
      forwardSamplesMs,
      stepSamplesMs,
      params: net.model.countParams(),
    };
  } finally {
    disposeNetwork(net);
  }
}
