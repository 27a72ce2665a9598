import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LFW_DIR, LFW_META_DIR, PAIR_FILES, pairsFromFile } from '../../tools/lfw';
import { parseOptions, PAIRS_MODELS } from './options';
import { pairsDataProblem } from './pairs';
import type { BenchReport } from './report';
import { main } from './run';

const root = path.resolve(import.meta.dirname, '..', '..');
const haveData = existsSync(LFW_DIR) && existsSync(path.join(LFW_META_DIR, PAIR_FILES.devTest));
const temps: string[] = [];
const temp = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-pairs-'));
  temps.push(dir);
  return dir;
};
afterEach(async () => {
  for (const d of temps.splice(0)) await rm(d, { recursive: true, force: true });
});

/** The photos of the pairs a run with this limit and seed scores. */
async function pairPhotos(limit: number, seed: number): Promise<string[]> {
  const rows = [
    ...(await pairsFromFile(LFW_META_DIR, PAIR_FILES.devTrain, { limit, seed }, 1)).rows,
    ...(await pairsFromFile(LFW_META_DIR, PAIR_FILES.devTest, { limit, seed }, 2)).rows,
  ];
  return [...new Set(rows.flatMap((r) => [r.left, r.right]))];
}

/** An LFW-layout folder holding copies of `photos` only. */
async function partialLfw(photos: readonly string[]): Promise<string> {
  const dir = await temp();
  for (const p of photos) {
    await mkdir(path.join(dir, path.dirname(p)), { recursive: true });
    await copyFile(path.join(LFW_DIR, p), path.join(dir, p));
  }
  return dir;
}

describe('--pairs-models', () => {
  it('defaults to both towers, takes a comma list and refuses an unknown model', () => {
    const parse = (argv: string[]) => {
      const o = parseOptions(argv, root);
      if (o === 'help') throw new Error('help');
      return o;
    };
    expect(parse([]).pairsModels).toEqual([...PAIRS_MODELS]);
    expect(PAIRS_MODELS).toEqual(['koch', 'facerec']);
    expect(parse(['--pairs-models', 'facerec']).pairsModels).toEqual(['facerec']);
    expect(parse(['--pairs-models', 'facerec, koch']).pairsModels).toEqual(['facerec', 'koch']);
    expect(() => parse(['--pairs-models', 'arcface'])).toThrow(/--pairs-models arcface: expected koch or facerec/);
  });
});

describe.skipIf(!haveData)('the pairs part on a face set without the pairs photos (reads ../shared/data)', () => {
  it('pairsDataProblem: none with the LFW photos; the count and examples when some are missing; the files when they are absent', async () => {
    const o = { data: LFW_DIR, pairsMeta: LFW_META_DIR, pairsLimit: 4, seed: 9 };
    expect(await pairsDataProblem(o)).toBeNull();
    const photos = await pairPhotos(4, 9);
    const partial = await partialLfw(photos.slice(0, photos.length - 2));
    const problem = await pairsDataProblem({ ...o, data: partial });
    expect(problem).toContain(
      `2 of the ${photos.length} photos of pairs-dev-train.tsv and pairs-dev-test.tsv are not in ${partial} (--data)`,
    );
    expect(problem).toContain(photos.at(-2)!);
    const noMeta = await temp();
    expect(await pairsDataProblem({ ...o, pairsMeta: noMeta })).toBe(
      `pairs-dev-train.tsv and pairs-dev-test.tsv not found in ${noMeta} (--pairs-meta)`,
    );
  });

  it('npm run bench -- --parts pairs on such a face set: skipped with a note, no error, no model loaded', async () => {
    const data = await partialLfw(['Aaron_Eckhart/Aaron_Eckhart_0001.jpg']);
    const out = await temp();
    const before = process.exitCode;
    await main(['--parts', 'pairs', '--data', data, '--out', out], root);
    expect(process.exitCode).toBe(before);
    const report = JSON.parse(await readFile(path.join(out, 'latest.json'), 'utf8')) as BenchReport;
    expect(report.errors).toEqual([]);
    expect(report.pairs).toEqual([]);
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0]!.part).toBe('pairs');
    expect(report.skipped[0]!.reason).toMatch(/^\d+ of the \d+ photos of pairs-dev-train\.tsv and pairs-dev-test\.tsv are not in /);
    // No page build or browser for a Node-only part.
    expect(report.parts.map((p) => p.part)).toEqual(['pairs']);
    expect(report.machine.browser).toBeNull();
    const md = await readFile(path.join(out, 'latest.md'), 'utf8');
    expect(md).toContain('## Skipped');
    expect(md).toContain(`- **pairs**: ${report.skipped[0]!.reason}`);
  });

  it('npm run bench -- --parts pairs with both towers on a few pairs: one table with a model column, in latest.json and latest.md', async () => {
    const out = await temp();
    const before = process.exitCode;
    await main(['--parts', 'pairs', '--pairs-limit', '4', '--pairs-crops', 'photo', '--seed', '9', '--out', out], root);
    expect(process.exitCode).toBe(before);
    const report = JSON.parse(await readFile(path.join(out, 'latest.json'), 'utf8')) as BenchReport;
    expect(report.errors).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.pairs.map((r) => r.tower)).toEqual(['koch', 'facerec']);
    expect(report.pairsTable.map((r) => [r.model, r.crop, r.score, r.unit])).toEqual([
      ['koch', 'photo', 'head', 'P(same)'],
      ['koch', 'photo', 'pixels', '−mean |x1 − x2|'],
      ['facerec', 'aligned', 'head', 'P(same)'],
      ['facerec', 'aligned', 'euclidean', 'distance'],
    ]);
    const [kochRun, faceRun] = report.pairs;
    if (kochRun?.tower !== 'koch' || faceRun?.tower !== 'facerec') throw new Error('unexpected runs');
    // The same pairs for both towers; the table repeats each run's numbers.
    expect(faceRun.files).toEqual(kochRun.files);
    expect(report.pairsTable[0]).toMatchObject({
      devTestAuc: kochRun.model.devTestAuc,
      devTestAccuracyAt05: kochRun.model.devTestAccuracyAt05,
    });
    expect(report.pairsTable[2]).toMatchObject({
      devTestAuc: faceRun.head.devTestAuc,
      devTestTenFold: faceRun.head.devTestTenFold.accuracy,
      devTestAccuracy: faceRun.head.devTestAccuracy,
      devTestPairs: 4,
    });
    expect(report.pairsTable[3]).toMatchObject({ devTestAuc: faceRun.euclidean.devTestAuc, devTestAccuracyAt05: null });
    const md = await readFile(path.join(out, 'latest.md'), 'utf8');
    expect(md).toContain('## LFW pairs: both towers on people they never saw');
    expect(md).toMatch(/\| model \| crop \| score \| dev-test ROC AUC \|/);
    expect(md).toContain(`| face recognition | aligned | Euclidean distance | ${faceRun.euclidean.devTestAuc.toFixed(4)} |`);
    expect(md).toContain(`| Koch (pretrained) | photo | head, P(same) | ${kochRun.model.devTestAuc.toFixed(4)} |`);
    expect(md).toContain(`| Koch (pretrained) | photo | raw pixels (−mean \\|x1 − x2\\|) | ${kochRun.pixels.devTestAuc.toFixed(4)} |`);
    // A pairs-only run has no speed section.
    expect(md).not.toContain('## Speed');
    expect(report.estimate?.parts.map((p) => p.part)).toEqual(['pairs']);
  });
});
