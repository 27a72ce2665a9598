#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --help]`: the benchmarks in one command. The work is in
 * bench/node/run.ts (TypeScript, loaded through Vite's module runner like
 * scripts/build-negatives.mjs loads app modules): it drives headless Chromium for the speed,
 * verify, import and accuracy parts and runs the pairs part in this process (tf.js wasm); see
 * bench/README.md.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { module } = await runnerImport(path.join(root, 'bench/node/run.ts'), { configFile: false, logLevel: 'error', root });
try {
  await module.main(process.argv.slice(2), root);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
