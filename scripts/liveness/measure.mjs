#!/usr/bin/env node
/**
 * `node scripts/liveness/measure.mjs [--people 60] [--out scripts/results/liveness.json]`: how the
 * head-turn cues of src/liveness behave on LFW dev-test photos (live turns) and on a flat photo
 * moved, scaled, rotated and tilted in front of the camera (spoofs). The work is in measure.ts,
 * loaded through Vite's module runner; its header lists the options.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { module } = await runnerImport(path.join(root, 'scripts/liveness/measure.ts'), { configFile: false, logLevel: 'error', root });
try {
  await module.main(process.argv.slice(2), root);
} catch (e) {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
}
