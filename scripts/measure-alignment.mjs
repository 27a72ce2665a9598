#!/usr/bin/env node
/**
 * `node scripts/measure-alignment.mjs [-- --help]`: which face chip the dlib face-recognition
 * network ranks LFW dev-test pairs best on. The work is in scripts/measure-alignment.ts
 * (TypeScript, loaded through Vite's module runner like scripts/pretrain/pretrain-wasm.mjs).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { module } = await runnerImport(path.join(root, 'scripts/measure-alignment.ts'), { configFile: false, logLevel: 'error', root });
try {
  await module.main(process.argv.slice(2), root);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
