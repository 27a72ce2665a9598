/**
 * Command-line options of `npm run bench [-- options]`, with the full and the --quick defaults.
 * Every setting a run uses is in `BenchOptions`, and all of it goes into latest.json / latest.md.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ModelConfig } from '../../src/config';

export const PARTS = ['speed', 'verify', 'import', 'accuracy'] as const;
export type Part = (typeof PARTS)[number];

export type ModelChoice = 'reference' | 'small' | 'tiny';

/**
 * Model configurations of the accuracy part; all keep the reference kernels (10/7/4/4) and pool.
 * - reference: the app's default network (100×100 input, 38,964,545 parameters).
 * - small: 100×100 input, a quarter of the filters, embedding 512.
 * - tiny: 64×64 input, an eighth of the filters, embedding 256 (~30 k parameters). The app's own
 *   preprocessing makes the 64×64 inputs (photos and the bundled 100×100 negatives are resized
 *   by `preprocess`); a training step is ~4× cheaper than `small`-sized filters at 100×100.
 */
export const MODELS: Readonly<Record<ModelChoice, Partial<ModelConfig>>> = {
  reference: {},
  small: { filters: [16, 32, 32, 64], embeddingSize: 512 },
  tiny: { filters: [8, 16, 16, 32], embeddingSize: 256 },
};

export interface BenchOptions {
  readonly quick: boolean;
  readonly parts: readonly Part[];
  /** Face set in LFW layout: <data>/<Person>/<photo>.jpg. */
  readonly data: string;
  /** People file: one name a line, or a people TSV (header `name\timages`). */
  readonly people: string;
  /** Target people need at least this many photos. */
  readonly minPhotos: number;
  /** At most this many target people (first in name order). */
  readonly maxPeople: number;
  readonly model: ModelChoice;
  readonly epochs: number;
  readonly capturesPerPhoto: number;
  /**
   * Augment training batches with the app's augment defaults (src/config DEFAULT_AUGMENT_CONFIG), as
   * src/training/session.ts does when a start request carries an augment config. Default off: the
   * app's UI sends none today, so the app trains without augmentation.
   */
  readonly trainAugment: boolean;
  /** Also score the bundled pretrained network without training: in which conditions. */
  readonly pretrained: 'off' | 'plain' | 'both';
  /** wasm threads of the accuracy part's page. */
  readonly accuracyThreads: number;
  /** Images in the import archive (0 = every photo of the face set). */
  readonly importImages: number;
  readonly seed: number;
  readonly out: string;
  /** Speed repetitions (after warm-up). */
  readonly warmup: number;
  readonly forwardReps: number;
  readonly stepReps: number;
  readonly verifyNs: readonly number[];
  readonly verifyCachedReps: number;
  readonly verifyNaiveReps: number;
}

const HELP = `npm run bench [-- options]

  --quick              reduced run (~10 min on 2 cores, no GPU)
  --parts LIST         comma list of ${PARTS.join(',')} (default: all)
  --data DIR           face set in LFW layout (default ../shared/data/lfw)
  --people FILE        names, one a line, or a people TSV (default ../shared/data/lfw-meta/people-dev-test.tsv)
  --min-photos N       target people need ≥ N photos (default 20)
  --max-people N       at most N target people (default: all; quick 3)
  --model M            accuracy model: reference | small | tiny (default reference; quick tiny)
  --epochs N           training epochs per enrolment (default 5; quick 10)
  --captures N         captures per enrolment photo (default 20)
  --train-augment on|off  augment training batches with the app's augment defaults (default off:
                       the app's UI sends no augment config to training today)
  --pretrained off|plain|both  also score public/models/pretrained untrained (default both; quick plain)
  --accuracy-threads N wasm threads for the accuracy part (default 2)
  --import-images N    photos in the import archive, 0 = all (default 0; quick 1000)
  --seed N             seed of every random choice (default 42)
  --out DIR            results folder (default bench/results)
`;

function int(name: string, v: string | undefined, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} ${v}: expected an integer ≥ ${min}`);
  return n;
}

function oneOf<T extends string>(name: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`--${name} ${v}: expected ${allowed.join(' or ')}`);
  return v as T;
}

export function parseOptions(argv: readonly string[], root: string): BenchOptions | 'help' {
  const { values: a } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      parts: { type: 'string' },
      data: { type: 'string' },
      people: { type: 'string' },
      'min-photos': { type: 'string' },
      'max-people': { type: 'string' },
      model: { type: 'string' },
      epochs: { type: 'string' },
      captures: { type: 'string' },
      'train-augment': { type: 'string' },
      pretrained: { type: 'string' },
      'accuracy-threads': { type: 'string' },
      'import-images': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  if (a.help) return 'help';
  const quick = a.quick === true;
  const parts = a.parts === undefined ? [...PARTS] : a.parts.split(',').map((p) => p.trim());
  for (const p of parts) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--parts: unknown part "${p}" (expected ${PARTS.join(', ')})`);
  const model = (a.model ?? (quick ? 'tiny' : 'reference')) as ModelChoice;
  if (!(model in MODELS)) throw new Error(`--model ${a.model}: expected ${Object.keys(MODELS).join(', ')}`);
  const shared = path.resolve(root, '../shared/data');
  return {
    quick,
    parts: parts as Part[],
    data: path.resolve(a.data ?? path.join(shared, 'lfw')),
    people: path.resolve(a.people ?? path.join(shared, 'lfw-meta/people-dev-test.tsv')),
    minPhotos: int('min-photos', a['min-photos'], 20, 16),
    maxPeople: int('max-people', a['max-people'], quick ? 3 : 0, 0),
    model,
    epochs: int('epochs', a.epochs, quick ? 10 : 5, 1),
    capturesPerPhoto: int('captures', a.captures, 20, 1),
    trainAugment: oneOf('train-augment', a['train-augment'] ?? 'off', ['on', 'off'] as const) === 'on',
    pretrained: oneOf('pretrained', a.pretrained ?? (quick ? 'plain' : 'both'), ['off', 'plain', 'both'] as const),
    accuracyThreads: int('accuracy-threads', a['accuracy-threads'], 2, 1),
    importImages: int('import-images', a['import-images'], quick ? 1000 : 0, 0),
    seed: int('seed', a.seed, 42, 0),
    out: path.resolve(a.out ?? path.join(root, 'bench/results')),
    warmup: quick ? 1 : 2,
    forwardReps: quick ? 5 : 20,
    stepReps: quick ? 3 : 10,
    verifyNs: [1, 10, 50, 200],
    verifyCachedReps: quick ? 5 : 20,
    verifyNaiveReps: quick ? 1 : 3,
  };
}

export { HELP };
