#!/usr/bin/env node
/**
 * `npm run pretrain:wasm [-- --help]`: CPU pretraining with tf.js wasm, in resumable chunks. The
 * work is in scripts/pretrain/wasm/ (TypeScript, loaded through Vite's module runner like
 * scripts/bench.mjs); see the README's Pretraining section.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { module } = await runnerImport(path.join(root, 'scripts/pretrain/wasm/run.ts'), { configFile: false, logLevel: 'error', root });
try {
  await module.main(process.argv.slice(2), root);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
