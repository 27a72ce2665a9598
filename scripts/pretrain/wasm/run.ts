/**
 * `npm run pretrain:wasm [-- options]`: one chunk of CPU pretraining (pretrain.ts), resumed from
 * the run folder's checkpoint when there is one. Ctrl-C (or SIGTERM) stops after the current step
 * and checkpoints. Loaded through Vite's module runner by scripts/pretrain/pretrain-wasm.mjs.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { validateModelConfig, DEFAULT_MODEL_CONFIG } from '../../../src/config';
import { useWasmBackend } from '../../../tools/common/node-backend';
import { isPhotoCrop, personOf, PHOTO_CROPS, readPairsFile, readPeopleFile, selectPairs, type PhotoCrop } from '../../../tools/lfw';
import { pretrainChunk, type RunSettings } from './pretrain';
import { listPeople } from './sampling';

export const HELP = `npm run pretrain:wasm [-- options]

Pretrains the reference Siamese network on LFW people-dev-train pairs with tf.js wasm (the app's
own model, gradients, preprocess and augmentation), in chunks: each call trains until --minutes
or --max-steps, checkpoints to --out, and the next call resumes there.

  --lfw DIR              LFW photos (default ../shared/data/lfw)
  --meta DIR             people-dev-train.tsv, people-dev-test.tsv, pairs-dev-test.tsv (default ../shared/data/lfw-meta)
  --out DIR              the run's folder: checkpoint, curves.csv (default .pretrain-wasm)
  --init-from DIR        start from a tf.js export (e.g. public/models/pretrained; its calibration
                         shift is undone) instead of seeded random weights (first chunk only)
  --minutes N            this chunk's training budget (default 60; 0 = no limit)
  --max-steps N          stop when the run has done N steps in all (default 0 = no limit)
  --pairs-per-step N     pairs per step, half same-person (default 16, the app's batch)
  --learning-rate X      Adam's learning rate (default 0.0001, the reference's)
  --no-augment           no augmentation (default: the app's, seeded per step)
  --crop face|photo      each photo's crop: the app's face crop (default; the whole photo where no
                         face is found) or the whole photo (tools/lfw/crop.ts)
  --pool paper|notebook  max-pooling variant (default paper)
  --seed N               seed of the pairs, augmentation and starting weights (default 42)
  --checkpoint-every N   steps between checkpoints (default 25)
  --eval-every N         steps between evaluations (default 200; 0 = end of chunk only)
  --eval-pairs N         dev-test pairs evaluated, a seeded class-balanced subsample (default 200; 0 = none)
  --export DIR           write the weights as a tf.js model at the end of the chunk (default <out>/model)
  --export-dtype uint8|float32   (default uint8, as shipped)
`;

function cropOf(v: string): PhotoCrop {
  if (!isPhotoCrop(v)) throw new Error(`--crop ${v}: expected ${PHOTO_CROPS.join(' or ')}`);
  return v;
}

function int(name: string, v: string | undefined, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} ${v}: expected a whole number ≥ ${min}`);
  return n;
}

export async function main(argv: readonly string[], root: string): Promise<void> {
  const { values: a } = parseArgs({
    args: [...argv],
    options: {
      help: { type: 'boolean' },
      lfw: { type: 'string' },
      meta: { type: 'string' },
      out: { type: 'string' },
      'init-from': { type: 'string' },
      minutes: { type: 'string' },
      'max-steps': { type: 'string' },
      'pairs-per-step': { type: 'string' },
      'learning-rate': { type: 'string' },
      'no-augment': { type: 'boolean' },
      crop: { type: 'string' },
      pool: { type: 'string' },
      seed: { type: 'string' },
      'checkpoint-every': { type: 'string' },
      'eval-every': { type: 'string' },
      'eval-pairs': { type: 'string' },
      export: { type: 'string' },
      'export-dtype': { type: 'string' },
    },
  });
  if (a.help) {
    console.log(HELP);
    return;
  }
  const shared = path.join(root, '..', 'shared', 'data');
  const lfwDir = path.resolve(a.lfw ?? path.join(shared, 'lfw'));
  const metaDir = path.resolve(a.meta ?? path.join(shared, 'lfw-meta'));
  const out = path.resolve(a.out ?? path.join(root, '.pretrain-wasm'));
  const learningRate = Number(a['learning-rate'] ?? 1e-4);
  if (!(learningRate > 0 && learningRate < 1)) throw new Error(`--learning-rate ${a['learning-rate']}: expected a number in (0, 1)`);
  const pool = a.pool ?? 'paper';
  if (pool !== 'paper' && pool !== 'notebook') throw new Error(`--pool ${pool}: expected paper or notebook`);
  const exportDtype = a['export-dtype'] ?? 'uint8';
  if (exportDtype !== 'uint8' && exportDtype !== 'float32') throw new Error(`--export-dtype ${exportDtype}: expected uint8 or float32`);
  const settings: RunSettings = {
    model: validateModelConfig({ ...DEFAULT_MODEL_CONFIG, pool }),
    seed: int('seed', a.seed, 42),
    pairsPerStep: int('pairs-per-step', a['pairs-per-step'], 16, 2),
    learningRate,
    augment: !a['no-augment'],
    crop: cropOf(a.crop ?? 'face'),
    initFrom: a['init-from'] === undefined ? null : path.resolve(a['init-from']),
  };

  // Training people: people-dev-train only; the evaluation pairs must show none of them.
  const trainNames = await readPeopleFile(path.join(metaDir, 'people-dev-train.tsv'));
  const testNames = new Set(await readPeopleFile(path.join(metaDir, 'people-dev-test.tsv')));
  const overlap = trainNames.filter((n) => testNames.has(n));
  if (overlap.length > 0)
    throw new Error(`people-dev-train.tsv and people-dev-test.tsv share ${overlap.length} people (e.g. ${overlap[0]})`);
  const people = await listPeople(lfwDir, trainNames);
  const trainSet = new Set(people.map((p) => p.name));
  const evalRows = selectPairs(await readPairsFile(path.join(metaDir, 'pairs-dev-test.tsv')), {
    limit: int('eval-pairs', a['eval-pairs'], 200),
    seed: settings.seed,
  });
  if (evalRows.some((r) => trainSet.has(personOf(r.left)) || trainSet.has(personOf(r.right))))
    throw new Error('An evaluation pair shows a training person');

  await useWasmBackend();
  const photos = people.reduce((s, p) => s + p.photos.length, 0);
  console.log(
    `pretraining on ${people.length} people (${photos} photos; ${people.filter((p) => p.photos.length >= 2).length} with ≥ 2), backend ${tf.getBackend()}; ` +
      `evaluation: ${evalRows.length} dev-test pairs; run folder ${out}`,
  );
  const controller = new AbortController();
  const stop = () => {
    console.log('stopping after this step (checkpoint follows)…');
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const result = await pretrainChunk({
      lfwDir,
      people,
      out,
      settings,
      maxSteps: int('max-steps', a['max-steps'], 0),
      budgetSeconds: 60 * Number(a.minutes ?? 60),
      checkpointEvery: int('checkpoint-every', a['checkpoint-every'], 25, 1),
      evalEvery: int('eval-every', a['eval-every'], 200),
      evalPairs: evalRows,
      exportTo: path.resolve(a.export ?? path.join(out, 'model')),
      exportDtype,
      signal: controller.signal,
      log: (m) => console.log(`[pretrain ${new Date().toISOString().slice(11, 19)}] ${m}`),
    });
    console.log(`${result.stepsThisChunk} steps this chunk; ${result.state.step} in all. Curves: ${path.join(out, 'curves.csv')}`);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
