#!/usr/bin/env node
/**
 * The calibration's operating points, offline, from a benchmark scores dump
 * (`npm run bench -- --parts accuracy … --scores FILE`): for the model as trained and for each
 * target share of the calibration cohort, the pooled FRR, FAR (app rule), EER and AUC per variant
 * and condition (bench/common/operating-points.ts), as a markdown table.
 *
 *   node scripts/operating-points.mjs FILE [--targets 0.02,0.05,0.1,0.15,0.2]
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runnerImport } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { targets: { type: 'string', default: '0.02,0.05,0.1,0.15,0.2' } },
});
if (positionals.length !== 1) {
  console.error('usage: node scripts/operating-points.mjs SCORES.json [--targets 0.02,0.05,…]');
  process.exit(2);
}
const targets = args.targets.split(',').map(Number);
if (targets.some((t) => !(t >= 0 && t < 1))) throw new Error(`--targets ${args.targets}: expected fractions in [0, 1)`);
const { operatingPoint } = (
  await runnerImport(join(root, 'bench/common/operating-points.ts'), { configFile: false, root, logLevel: 'error' })
).module;
const dump = JSON.parse(await readFile(positionals[0], 'utf8'));
if (dump.format !== 'siamese-bench-scores') throw new Error(`${positionals[0]}: not a benchmark scores dump`);
const trained = dump.enrolments.filter((e) => e.cohortLogits);
const pct = (x) => `${(100 * x).toFixed(1)} %`;
console.log('| variant | condition | calibration target | FRR | FAR | EER | AUC | logit thresholds per enrolment |');
console.log('|---|---|---|---|---|---|---|---|');
for (const variant of [...new Set(trained.map((e) => e.variant))]) {
  const mine = trained.filter((e) => e.variant === variant);
  for (const condition of [...new Set(mine.map((e) => e.condition))]) {
    for (const target of [null, ...targets]) {
      const p = operatingPoint(mine, condition, target);
      console.log(
        `| ${variant} | ${condition} | ${target === null ? 'none (as trained)' : pct(target)} | ${pct(p.frr)} | ${pct(p.far)} | ${pct(p.eer)} | ${p.auc.toFixed(3)} | ${p.thresholds.map((t) => t.toFixed(2)).join(', ')} |`,
      );
    }
  }
}
