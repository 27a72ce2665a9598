/**
 * The pipeline's two commands (pipeline.mjs runs them through Vite's module runner).
 * See pipeline.mjs for the command lines.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildHead, CHIP_SIZE, describe, disposeHead, HEAD_LAYER_NAMES, shiftHeadBias } from '../../src/facerec';
import { createRng } from '../../src/data';
import { useWasmBackend } from '../../tools/common/node-backend';
import { exportHead } from './export';
import { createChipFunction, loadBackboneFromDisk } from './external';
import { computeDescriptors, readCache } from './descriptors';
import {
  byClass,
  pairMetrics,
  ratesAt,
  scoreDistance,
  scoreHead,
  splitPeople,
  samplePairs,
  thresholdAtFar,
  trainHead,
  type Pair,
  type PairMetrics,
} from './head-train';
import { photosOfPeople, readPairs, readPeople } from './lfw-data';

export interface PipelineArgs {
  readonly root: string;
  readonly lfw: string;
  readonly cache: string;
  readonly chip: string;
  readonly 'max-per-person': string;
  readonly epochs: string;
  readonly 'pairs-per-epoch': string;
  readonly projection: string;
  readonly 'learning-rate': string;
  readonly 'target-far': string;
  readonly 'calibration-share': string;
  readonly seed: string;
  readonly export: string;
  readonly 'no-export': boolean;
  readonly 'cached-only': boolean;
  readonly runs: string;
  readonly out: string;
}

const t0 = performance.now();
const log = (msg: string) => console.log(`[facerec ${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${msg}`);
const num = (args: PipelineArgs, key: keyof PipelineArgs) => {
  const v = Number(args[key]);
  if (!Number.isFinite(v)) throw new Error(`--${String(key)} ${String(args[key])}: expected a number`);
  return v;
};

/** The photos the pipeline uses: dev-train people (≥ 2 photos, capped), and the dev-test pairs'. */
async function plan(args: PipelineArgs) {
  const lfwDir = path.join(args.lfw, 'lfw');
  const meta = path.join(args.lfw, 'lfw-meta');
  const seed = num(args, 'seed');
  const trainPeople = await photosOfPeople(
    lfwDir,
    await readPeople(path.join(meta, 'people-dev-train.tsv')),
    2,
    num(args, 'max-per-person'),
    seed,
  );
  const testPairs = await readPairs(path.join(meta, 'pairs-dev-test.tsv'));
  const testPhotos = [...new Set(testPairs.flatMap((p) => [p.left, p.right]))];
  return { lfwDir, trainPeople, testPairs, testPhotos, seed };
}

async function describeAll(args: PipelineArgs) {
  const { lfwDir, trainPeople, testPhotos, testPairs, seed } = await plan(args);
  const trainPhotos = [...trainPeople.values()].flat();
  const backboneDir = path.join(args.root, 'public', 'models', 'face-recognition');
  const { model, version } = await loadBackboneFromDisk(backboneDir);
  const cache = await readCache(args.cache, args.chip, version);
  // The dev-test photos first: evaluation needs all of them; training can use a part of the rest.
  const all = [...testPhotos, ...trainPhotos];
  const missing = all.filter((p) => !cache.descriptors.has(p)).length;
  log(
    `chip ${args.chip}: ${trainPeople.size} dev-train people, ${trainPhotos.length} photos; ${testPhotos.length} dev-test pair photos; ${missing} to describe (cache has ${cache.descriptors.size})`,
  );
  if (missing > 0 && args['cached-only']) {
    const lacking = testPhotos.filter((p) => !cache.descriptors.has(p)).length;
    if (lacking > 0) throw new Error(`--cached-only: the cache lacks ${lacking} dev-test photos; run the describe command first`);
    for (const [name, photos] of trainPeople) {
      const have = photos.filter((p) => cache.descriptors.has(p));
      if (have.length >= 2) trainPeople.set(name, have);
      else trainPeople.delete(name);
    }
    log(`--cached-only: training on the cached photos only: ${trainPeople.size} people, ${[...trainPeople.values()].flat().length} photos`);
  } else if (missing > 0) {
    const chips = await createChipFunction(args.chip);
    const start = performance.now();
    try {
      await computeDescriptors(model, chips, lfwDir, all, cache, args.cache, {
        onProgress: (done, n) => {
          if (done % 400 < 8 || done === n)
            log(`${done}/${n} photos described (${((performance.now() - start) / done).toFixed(1)} ms a photo, chip and decode included)`);
        },
      });
      log(`chips: ${chips.describe()}`);
    } finally {
      chips.dispose();
    }
  }
  model.dispose();
  return { cache, trainPeople, version, testPairs, seed };
}

interface Variant {
  readonly name: string;
  readonly projection: number;
  readonly head: tf.LayersModel;
  readonly losses: number[];
  readonly seconds: number;
  readonly devTest: PairMetrics;
  readonly calibrationAuc: number;
}

/**
 * Backbone forward time on this machine's backend (wasm, 1 thread in Node): median of `runs`
 * calls of describe() (chips → Float32Array[], tensor creation and read-back included) per batch
 * size, after two warm-up calls.
 */
async function speed(args: PipelineArgs): Promise<void> {
  const { model } = await loadBackboneFromDisk(path.join(args.root, 'public', 'models', 'face-recognition'));
  const rand = createRng(num(args, 'seed'));
  const chip = () => ({
    width: CHIP_SIZE,
    height: CHIP_SIZE,
    data: Uint8Array.from({ length: CHIP_SIZE * CHIP_SIZE * 4 }, () => Math.floor(rand() * 256)),
  });
  const rows: Record<string, number> = {};
  for (const batch of [1, 8]) {
    const chips = Array.from({ length: batch }, chip);
    for (let i = 0; i < 2; i++) await describe(model, chips);
    const times: number[] = [];
    for (let i = 0; i < num(args, 'runs'); i++) {
      const start = performance.now();
      await describe(model, chips);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    rows[`batch${batch}`] = median;
    log(
      `backbone on ${tf.getBackend()}: batch ${batch}: median ${median.toFixed(1)} ms a call, ${(median / batch).toFixed(1)} ms a chip (${times.length} runs, min ${times[0]!.toFixed(1)} ms)`,
    );
  }
  model.dispose();
  console.log(JSON.stringify({ backend: tf.getBackend(), msPerCall: rows }));
}

export async function main(command: 'describe' | 'train' | 'speed', args: PipelineArgs): Promise<void> {
  await useWasmBackend();
  if (command === 'speed') return speed(args);
  const { cache, trainPeople, version, testPairs, seed } = await describeAll(args);
  if (command === 'describe') return;

  const d = cache.descriptors;
  // Dev-train people, split: most train the head, a held-out share calibrates its bias.
  const { train, held } = splitPeople(trainPeople, num(args, 'calibration-share'), seed);
  const calibrationPairs = samplePairs(held, 20000, seed + 7);
  const test: Pair[] = testPairs.map((p) => ({ a: p.left, b: p.right, same: p.same }));
  log(
    `training people ${train.size} (${[...train.values()].flat().length} photos), calibration people ${held.size}; dev-test pairs ${test.length}`,
  );

  const baseline = pairMetrics(test, scoreDistance(d, test));
  log(
    `Euclidean distance on dev-test: AUC ${baseline.auc.toFixed(5)}, EER ${(baseline.eer * 100).toFixed(2)} %, 10-fold ${(baseline.accuracy10Fold * 100).toFixed(2)} %`,
  );

  const variants: Variant[] = [];
  for (const projection of num(args, 'projection') > 0 ? [0, num(args, 'projection')] : [0]) {
    const name = projection === 0 ? 'head (L1 → Dense 1 sigmoid)' : `projection Dense ${projection} sigmoid + head`;
    const head = buildHead({ projection, seed });
    const start = performance.now();
    const losses = await trainHead(head, d, train, {
      epochs: num(args, 'epochs'),
      pairsPerEpoch: num(args, 'pairs-per-epoch'),
      learningRate: num(args, 'learning-rate'),
      seed,
      onEpoch: (e, loss) => log(`${name}: epoch ${e + 1} loss ${loss.toFixed(4)}`),
    });
    const seconds = (performance.now() - start) / 1000;
    const devTest = pairMetrics(test, scoreHead(head, d, test));
    const calibrationAuc = pairMetrics(calibrationPairs, scoreHead(head, d, calibrationPairs)).auc;
    log(
      `${name}: ${seconds.toFixed(0)} s; dev-test AUC ${devTest.auc.toFixed(5)}, EER ${(devTest.eer * 100).toFixed(2)} %, 10-fold ${(devTest.accuracy10Fold * 100).toFixed(2)} %; calibration-people AUC ${calibrationAuc.toFixed(5)}`,
    );
    variants.push({ name, projection, head, losses, seconds, devTest, calibrationAuc });
  }
  // The default: whichever ranks the unseen dev-test people better (AUC; EER breaks a tie).
  const best = [...variants].sort((x, y) => y.devTest.auc - x.devTest.auc || x.devTest.eer - y.devTest.eer)[0]!;
  log(`default: ${best.name}`);

  // Calibration (as scripts/pretrain/calibrate.mjs): the bias moves by −t, t the lowest logit
  // threshold accepting at most --target-far of the calibration people's different-person pairs.
  const targetFar = num(args, 'target-far');
  const calib = byClass(calibrationPairs, scoreHead(best.head, d, calibrationPairs));
  const t = thresholdAtFar(calib.impostor, targetFar);
  const operatingPoints = [0.001, 0.005, 0.01, 0.02, 0.05].map((far) => ({
    targetFar: far,
    logit: thresholdAtFar(calib.impostor, far),
    ...ratesAt(calib.genuine, calib.impostor, thresholdAtFar(calib.impostor, far)),
  }));
  const biasBefore = best.head.getLayer(HEAD_LAYER_NAMES.classifier).getWeights()[1]!.dataSync()[0]!;
  shiftHeadBias(best.head, t);
  const testLogits = scoreHead(best.head, d, test);
  const testByClass = byClass(test, testLogits);
  const atHalf = ratesAt(testByClass.genuine, testByClass.impostor, 0);
  log(
    `calibration: t = ${t.toFixed(4)} (FAR ≤ ${targetFar} on ${calib.impostor.length} calibration impostor pairs); bias ${biasBefore.toFixed(4)} → ${(biasBefore - t).toFixed(4)}; dev-test at 0.5: FAR ${(atHalf.far * 100).toFixed(2)} %, FRR ${(atHalf.frr * 100).toFixed(2)} %`,
  );

  const results = {
    chip: args.chip,
    backboneVersion: version,
    photos: { trainPeople: train.size, calibrationPeople: held.size, trainPhotos: [...train.values()].flat().length, descriptors: d.size },
    options: {
      epochs: num(args, 'epochs'),
      pairsPerEpoch: num(args, 'pairs-per-epoch'),
      learningRate: num(args, 'learning-rate'),
      seed,
      maxPerPerson: num(args, 'max-per-person'),
    },
    devTest: {
      euclidean: baseline,
      ...Object.fromEntries(
        variants.map((v) => [
          v.projection === 0 ? 'head' : `projection${v.projection}`,
          { ...v.devTest, trainSeconds: v.seconds, losses: v.losses, calibrationPeopleAuc: v.calibrationAuc },
        ]),
      ),
    },
    default: best.name,
    calibration: {
      on: `${calibrationPairs.length} balanced pairs of ${held.size} held-out dev-train people (never trained on); not the dev-test pairs`,
      targetFar,
      biasShift: t,
      biasBefore,
      biasAfter: biasBefore - t,
      operatingPoints,
      devTestAt05: atHalf,
    },
  };
  await mkdir(path.dirname(args.out), { recursive: true });
  await writeFile(args.out, JSON.stringify(results, null, 1) + '\n');
  log(`wrote ${args.out}`);

  if (!args['no-export']) {
    const bytes = await exportHead(best.head, args.export, {
      ...results,
      command: `node scripts/facerec/pipeline.mjs ${process.argv.slice(2).join(' ')}`,
    });
    log(`exported the head to ${args.export} (${bytes.toLocaleString('en')} bytes of weights)`);
  }
  for (const v of variants) disposeHead(v.head);
}
