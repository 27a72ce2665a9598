#!/usr/bin/env node
/**
 * The face-recognition head's pretraining pipeline, in Node on the wasm backend (1 thread):
 *
 *   node scripts/facerec/pipeline.mjs describe [--chip aligned] [--max-per-person 20]
 *     Computes the backbone's descriptors once for the LFW photos the pipeline uses (dev-train
 *     people with ≥ 2 photos, at most --max-per-person each; every photo of the dev-test pairs)
 *     and caches them in .cache/facerec/<chip>/.
 *
 *   node scripts/facerec/pipeline.mjs train [--chip aligned] [--epochs 8] [--projection 4096]
 *        [--target-far 0.005] [--seed 42] [--export public/models/face-recognition-head]
 *     Trains the head (and the projection variant) on dev-train pairs from the cache, evaluates
 *     both and the raw Euclidean distance on the 979 dev-test pairs, calibrates the default's bias
 *     on held-out dev-train people, and exports it (unless --no-export). With --cached-only it
 *     uses the dev-train photos already in the cache (of people with ≥ 2 there) and describes
 *     nothing; all dev-test pair photos must be cached.
 *
 *   node scripts/facerec/pipeline.mjs speed [--runs 20]
 *     The backbone's time a call (describe(), batch 1 and batch 8) on Node wasm, 1 thread.
 *
 * Common options: --lfw ../shared/data, --cache .cache/facerec, --chip (tools/facerec/chips.ts: aligned,
 * the app's chip and the default; face, photo, center).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runnerImport } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    lfw: { type: 'string', default: join(root, '..', 'shared', 'data') },
    cache: { type: 'string', default: join(root, '.cache', 'facerec') },
    chip: { type: 'string', default: 'aligned' },
    'max-per-person': { type: 'string', default: '20' },
    epochs: { type: 'string', default: '8' },
    'pairs-per-epoch': { type: 'string', default: '40000' },
    projection: { type: 'string', default: '4096' },
    'learning-rate': { type: 'string', default: '0.001' },
    'target-far': { type: 'string', default: '0.005' },
    'calibration-share': { type: 'string', default: '0.15' },
    seed: { type: 'string', default: '42' },
    export: { type: 'string', default: join(root, 'public', 'models', 'face-recognition-head') },
    'no-export': { type: 'boolean', default: false },
    'cached-only': { type: 'boolean', default: false },
    runs: { type: 'string', default: '20' },
    out: { type: 'string', default: join(root, '.cache', 'facerec', 'results.json') },
  },
});
const command = positionals[0];
if (command !== 'describe' && command !== 'train' && command !== 'speed') {
  console.error('usage: node scripts/facerec/pipeline.mjs describe|train|speed [options] (see the header of this file)');
  process.exit(2);
}
const { module } = await runnerImport(join(here, 'pipeline.ts'), { configFile: false, root, logLevel: 'error' });
await module.main(command, { ...args, root });
