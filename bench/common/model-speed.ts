/**
 * Timing of the app's model code, shared by the bench page (bench/page/speed.ts, headless
 * Chromium) and the bench's own Node process (bench/node/speed.ts): one embedding-tower forward
 * pass on one image, and training steps of the app's train(), of the Koch tower; the
 * face-recognition backbone's forward pass on 150×150 chips and its head against N cached
 * descriptors. No DOM: it runs on whatever tf.js backend the caller selected.
 */
import * as tf from '@tensorflow/tfjs';
import { buildPairs, createRng } from '../../src/data';
import { CHIP_SIZE, describe, DESCRIPTOR_SIZE, headLogits, type Chip } from '../../src/facerec';
import { buildSiamese, disposeNetwork, inputShape, type SiameseNetwork } from '../../src/model';
import { train } from '../../src/training';
import { median } from '../../tools/common';
import type { FaceRecSpeed, FaceRecSpeedRequest, ModelSpeed, ModelSpeedRequest } from './types';

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

/** `warmup` untimed then `reps` timed calls of `fn`: the timed ms. */
export async function timeRuns(warmup: number, reps: number, fn: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const ms = await timeIt(fn);
    if (i >= warmup) samples.push(ms);
  }
  return samples;
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

/** `n` seeded 150×150 RGB chips, values 0–255 (what alignFace gives the backbone). */
export function seededChips(n: number, seed: number): Chip[] {
  const rand = createRng(seed);
  return Array.from({ length: n }, () => {
    const data = new Float32Array(CHIP_SIZE * CHIP_SIZE * 3);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
    return { width: CHIP_SIZE, height: CHIP_SIZE, data };
  });
}

/** `n` seeded descriptors (values in [−0.25, 0.25), about the backbone's range). */
export function seededDescriptors(n: number, seed: number): Float32Array[] {
  const rand = createRng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: DESCRIPTOR_SIZE }, () => (rand() - 0.5) / 2));
}

/**
 * The face-recognition tower's costs, each `warmup` untimed + `forwardReps` timed calls on seeded
 * inputs: the backbone (src/facerec describe: chips to tensor, one forward pass, descriptors read
 * back) on one chip and on a batch of `batchSize`, and the head (headLogits) of one frame's
 * descriptor against each of n cached descriptors, as a verified frame needs it. Medians.
 */
export async function timeFaceRec(backbone: tf.LayersModel, head: tf.LayersModel, req: FaceRecSpeedRequest): Promise<FaceRecSpeed> {
  const one = seededChips(1, req.seed);
  const batch = seededChips(req.batchSize, req.seed + 1);
  const forwardSamplesMs = await timeRuns(req.warmup, req.forwardReps, async () => void (await describe(backbone, one)));
  const batchSamplesMs = await timeRuns(req.warmup, req.forwardReps, async () => void (await describe(backbone, batch)));
  const [frame] = seededDescriptors(1, req.seed + 2);
  const heads = [];
  for (const n of req.headNs) {
    const cached = seededDescriptors(n, req.seed + 3 + n);
    const frames = cached.map(() => frame!);
    const samplesMs = await timeRuns(req.warmup, req.forwardReps, async () => void headLogits(head, frames, cached));
    heads.push({ n, ms: median(samplesMs), samplesMs });
  }
  const batchForwardMs = median(batchSamplesMs);
  return {
    forwardMs: median(forwardSamplesMs),
    forwardSamplesMs,
    batchSize: req.batchSize,
    batchForwardMs,
    batchPerChipMs: batchForwardMs / req.batchSize,
    batchSamplesMs,
    head: heads,
    warmup: req.warmup,
    backboneParams: backbone.countParams(),
    headParams: head.countParams(),
  };
}
