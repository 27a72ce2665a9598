/**
 * The bench's pairs part, in this Node process (tf.js wasm): both face towers on the LFW View 1
 * pairs, threshold fitted on pairs-dev-train.tsv, measured on pairs-dev-test.tsv.
 *
 * - **koch**: the bundled pretrained Koch network (tools/lfw/pairs.ts runPairs), once per
 *   `--pairs-crops` crop; scores: its own head, and a raw-pixel baseline.
 * - **facerec**: the face-recognition tower (tools/facerec/pairs.ts runFaceRecPairs) on the app's
 *   aligned chip; scores: the shipped calibrated head, and the plain Euclidean distance of the
 *   descriptors.
 *
 * Before any model loads, the part checks that every photo of the pairs to score is in `--data`;
 * when the pairs files or some of their photos are missing (another face set), the part is skipped
 * with a note rather than failed.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PRETRAINED_PATH } from '../../src/model';
import { runFaceRecPairs, type FaceRecPairsResult } from '../../tools/facerec';
import { missingPhotos, PAIR_FILES, pairsFromFile, runPairs, type PairsResult, type ScoreSummary } from '../../tools/lfw';
import { PAIRS_MODELS, type BenchOptions, type PairsModel } from './options';

/** A Koch run (one crop) of the pairs part. */
export type KochPairsRun = PairsResult & { readonly tower: 'koch' };
/** One run of the pairs part, as latest.json keeps it. */
export type PairsRun = KochPairsRun | FaceRecPairsResult;

/** One (model, crop, score) line of the pairs part: latest.json's `pairsTable` and latest.md's table. */
export interface PairsTableRow {
  readonly model: PairsModel;
  /** Koch: the --pairs-crops crop; facerec: the chip ('aligned'). */
  readonly crop: string;
  readonly score: 'head' | 'pixels' | 'euclidean';
  /** What the thresholds and means are in. */
  readonly unit: 'P(same)' | '−mean |x1 − x2|' | 'distance';
  readonly devTestAuc: number;
  readonly devTestEer: number;
  /** Dev-test accuracy at the threshold fitted on the dev-train pairs. */
  readonly devTestAccuracy: number;
  readonly devTrainThreshold: number;
  readonly devTestTenFold: number;
  readonly devTestTenFoldStd: number;
  /** Dev-test accuracy at output 0.5 (the heads only; null for the others). */
  readonly devTestAccuracyAt05: number | null;
  readonly devTestMeanSame: number;
  readonly devTestMeanDifferent: number;
  readonly devTestPairs: number;
}

function tableRow(
  model: PairsModel,
  crop: string,
  score: PairsTableRow['score'],
  unit: PairsTableRow['unit'],
  s: ScoreSummary,
  at05: number | null,
  devTestPairs: number,
): PairsTableRow {
  return {
    model,
    crop,
    score,
    unit,
    devTestAuc: s.devTestAuc,
    devTestEer: s.devTestEer,
    devTestAccuracy: s.devTestAccuracy,
    devTrainThreshold: s.devTrainThreshold,
    devTestTenFold: s.devTestTenFold.accuracy,
    devTestTenFoldStd: s.devTestTenFold.std,
    devTestAccuracyAt05: at05,
    devTestMeanSame: s.devTestMeanSame,
    devTestMeanDifferent: s.devTestMeanDifferent,
    devTestPairs,
  };
}

/** The runs' scores as one table, in run order (each run's head first). */
export function pairsTable(runs: readonly PairsRun[]): PairsTableRow[] {
  return runs.flatMap((r) => {
    const n = r.files.devTest.pairs;
    return r.tower === 'koch'
      ? [
          tableRow('koch', r.crop.mode, 'head', 'P(same)', r.model, r.model.devTestAccuracyAt05, n),
          tableRow('koch', r.crop.mode, 'pixels', '−mean |x1 − x2|', r.pixels, null, n),
        ]
      : [
          tableRow('facerec', r.chip.name, 'head', 'P(same)', r.head, r.head.devTestAccuracyAt05, n),
          tableRow('facerec', r.chip.name, 'euclidean', 'distance', r.euclidean, null, n),
        ];
  });
}

type PairsDataOptions = Pick<BenchOptions, 'data' | 'pairsMeta' | 'pairsLimit' | 'seed'>;

/**
 * Why the pairs part cannot run on these folders (null when it can): a pairs file missing from
 * `pairsMeta`, or photos of the pairs to score (after `pairsLimit`) missing from `data`.
 */
export async function pairsDataProblem(o: PairsDataOptions): Promise<string | null> {
  const files = [PAIR_FILES.devTrain, PAIR_FILES.devTest];
  const absent = files.filter((f) => !existsSync(path.join(o.pairsMeta, f)));
  if (absent.length > 0) return `${absent.join(' and ')} not found in ${o.pairsMeta} (--pairs-meta)`;
  const selection = { limit: o.pairsLimit, seed: o.seed };
  const rows = [
    ...(await pairsFromFile(o.pairsMeta, PAIR_FILES.devTrain, selection, 1)).rows,
    ...(await pairsFromFile(o.pairsMeta, PAIR_FILES.devTest, selection, 2)).rows,
  ];
  const photos = new Set(rows.flatMap((r) => [r.left, r.right])).size;
  const missing = await missingPhotos(o.data, rows);
  if (missing.length === 0) return null;
  const examples = missing.slice(0, 3).join(', ');
  return `${missing.length} of the ${photos} photos of ${files.join(' and ')} are not in ${o.data} (--data), e.g. ${examples}: the pairs part scores the LFW pairs files' own photos`;
}

export type PairsPartOptions = PairsDataOptions & Pick<BenchOptions, 'pairsCrops' | 'pairsModels'>;

/**
 * Runs the pairs part: each asked model in PAIRS_MODELS order (Koch once per crop). `log` gets one
 * line per result and progress lines; `onRun` each run as it ends (so that a report can be saved
 * between runs). Returns the skip note instead of running when pairsDataProblem finds one.
 */
export async function runPairsPart(
  o: PairsPartOptions,
  root: string,
  log: (msg: string) => void,
  onRun: (run: PairsRun) => Promise<void> | void = () => undefined,
): Promise<{ runs: PairsRun[]; skipped: string | null }> {
  const problem = await pairsDataProblem(o);
  if (problem !== null) return { runs: [], skipped: problem };
  let last = 0;
  const progress = (label: string) => (m: string) => {
    if (performance.now() - last < 15_000) return;
    last = performance.now();
    log(`  ${label}: ${m}`);
  };
  const fmt = (s: ScoreSummary) =>
    `AUC ${s.devTestAuc.toFixed(4)}, EER ${(100 * s.devTestEer).toFixed(2)} %, accuracy ${s.devTestAccuracy.toFixed(3)} at the dev-train threshold, 10-fold ${s.devTestTenFold.accuracy.toFixed(3)}`;
  const runs: PairsRun[] = [];
  for (const model of PAIRS_MODELS.filter((m) => o.pairsModels.includes(m))) {
    if (model === 'koch') {
      for (const crop of o.pairsCrops) {
        const result = await runPairs({
          data: o.data,
          meta: o.pairsMeta,
          modelUrlOrDir: path.join(root, 'public', PRETRAINED_PATH),
          limit: o.pairsLimit,
          seed: o.seed,
          backend: 'wasm',
          crop,
          onProgress: progress(`koch, ${crop} crop`),
        });
        const run: KochPairsRun = { tower: 'koch', ...result };
        runs.push(run);
        await onRun(run);
        log(
          `  koch, ${crop} crop (no face in ${result.crop.noFace} of ${result.crop.photos} photos, ${result.seconds.toFixed(0)} s): dev-test head ${fmt(result.model)}; pixels AUC ${result.pixels.devTestAuc.toFixed(3)}`,
        );
      }
    } else {
      const run = await runFaceRecPairs({
        data: o.data,
        meta: o.pairsMeta,
        limit: o.pairsLimit,
        seed: o.seed,
        backend: 'wasm',
        onProgress: progress('facerec, aligned chip'),
      });
      runs.push(run);
      await onRun(run);
      log(
        `  facerec, ${run.chip.name} chip (no face in ${run.chip.noFace} of ${run.chip.photos} photos, ${run.msPerPhoto.toFixed(0)} ms a photo, ${run.seconds.toFixed(0)} s): dev-test head ${fmt(run.head)}; Euclidean ${fmt(run.euclidean)}`,
      );
    }
  }
  return { runs, skipped: null };
}
