#!/usr/bin/env node
/**
 * Writes scripts/pretrain/topology.json: the tf.js layers-model topology of the reference Siamese
 * network (built by src/model's buildSiamese, loaded through Vite's module runner so the TypeScript
 * source is the single definition) and the ordered weight specs (name, shape) that tf.js saves.
 * pretrain_gpu.py fills a weightsManifest for exactly these names.
 *
 *   node scripts/pretrain/export-topology.mjs
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { runnerImport } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const { module: model } = await runnerImport(join(root, 'src/model/index.ts'), { root, logLevel: 'error' });
const { module: config } = await runnerImport(join(root, 'src/config/index.ts'), { root, logLevel: 'error' });
const tf = await import('@tensorflow/tfjs');

const net = model.buildSiamese();
const params = net.model.countParams();
if (params !== config.REFERENCE_PARAMS.total) throw new Error(`expected ${config.REFERENCE_PARAMS.total} parameters, got ${params}`);

let saved;
await net.model.save(
  tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }),
);
const out = {
  format: saved.format,
  generatedBy: saved.generatedBy,
  convertedBy: saved.convertedBy ?? null,
  modelTopology: saved.modelTopology,
  weightSpecs: saved.weightSpecs.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
  totalParams: params,
  modelConfig: net.config,
};
await writeFile(join(here, 'topology.json'), JSON.stringify(out, null, 1) + '\n');
net.model.dispose();
console.log(`topology.json: ${out.weightSpecs.length} weights, ${params} parameters`);
for (const w of out.weightSpecs) console.log(`  ${w.name} [${w.shape.join(',')}]`);
