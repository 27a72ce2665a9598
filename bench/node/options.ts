/**
 * Command-line options of `npm run bench [-- options]`, with the full and the --quick defaults.
 * Every setting a run uses is in `BenchOptions`, and all of it goes into latest.json / latest.md.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TRAINING_CONFIG } from '../../src/config';
import { VARIANT_IDS, APP_DEFAULT_VARIANT, type VariantId } from '../common/variants';
import { PHOTO_CROPS, type PhotoCrop } from '../../tools/lfw';
import { IDENT_ENROLLED } from '../common/identification';

export const PARTS = ['speed', 'verify', 'import', 'pairs', 'liveness', 'accuracy', 'identification'] as const;
export type Part = (typeof PARTS)[number];

/** The parts that run in the bench's own Node process only: a run of these builds no page and starts no browser. */
export const NODE_PARTS: readonly Part[] = ['pairs', 'liveness'];

/** Whether a run of `parts` needs the bench page and Chromium. */
export const needsPage = (parts: readonly Part[]): boolean => parts.some((p) => !NODE_PARTS.includes(p));

/** The face towers the pairs part can score (bench/node/pairs.ts): the Koch network and the face-recognition ResNet. */
export const PAIRS_MODELS = ['koch', 'facerec'] as const;
export type PairsModel = (typeof PAIRS_MODELS)[number];

export interface BenchOptions {
  readonly quick: boolean;
  readonly parts: readonly Part[];
  /** Face set in LFW layout: <data>/<Person>/<photo>.jpg. */
  readonly data: string;
  /** People file: one name a line, or a people TSV (header `name\timages`). */
  readonly people: string;
  /** Folder of pairs-dev-train.tsv and pairs-dev-test.tsv (the pairs part). */
  readonly pairsMeta: string;
  /** At most this many pairs per pairs file (seeded, stratified; 0 = all). */
  readonly pairsLimit: number;
  /** How the pairs part crops LFW photos for the Koch tower (tools/lfw/crop.ts), each a run of its own; the first is the headline. */
  readonly pairsCrops: readonly PhotoCrop[];
  /** The towers the pairs part scores, run in PAIRS_MODELS order. */
  readonly pairsModels: readonly PairsModel[];
  /** Target people need at least this many photos (the accuracy part). */
  readonly minPhotos: number;
  /** At most this many target people (accuracy: the first in name order, identification: at most IDENT_ENROLLED of them; liveness: a seeded choice; 0 = all). */
  readonly maxPeople: number;
  /** At most this many test photos per person (first in filename order; 0 = all). */
  readonly maxTest: number;
  /** Accuracy variants to run (always including the app default). */
  readonly variants: readonly VariantId[];
  /** Fine-tuning epochs of the fine-tuned variants (the app's default: DEFAULT_TRAINING_CONFIG.epochs). */
  readonly epochs: number;
  /** Epochs of the from-scratch variant (the reference recipe: 50). */
  readonly scratchEpochs: number;
  readonly capturesPerPhoto: number;
  /** Samples per class taken into the pairs (the app's default: DEFAULT_TRAINING_CONFIG.samplesPerClass). */
  readonly samplesPerClass: number;
  /** Adam learning rate of every trained variant (the app's default: DEFAULT_TRAINING_CONFIG.learningRate). */
  readonly learningRate: number;
  /** Also run every variant in the same-camera condition. */
  readonly sameCamera: boolean;
  /** wasm threads of the accuracy part's page. */
  readonly accuracyThreads: number;
  /** Images in the import archive (0 = every photo of the face set). */
  readonly importImages: number;
  readonly seed: number;
  readonly out: string;
  /** Where to write every accuracy attempt's scores and each enrolment's cohort logits (null: nowhere). */
  readonly scores: string | null;
  /** Speed repetitions (after warm-up). */
  readonly warmup: number;
  readonly forwardReps: number;
  readonly stepReps: number;
  readonly verifyNs: readonly number[];
  readonly verifyCachedReps: number;
  readonly verifyNaiveReps: number;
}

/** What --quick changes, in one place (the help text and the README quote these). */
export const QUICK = {
  maxPeople: 2,
  maxTest: 10,
  epochs: 1,
  scratchEpochs: 2,
  capturesPerPhoto: 2,
  samplesPerClass: 8,
  pairsLimit: 150,
  importImages: 1000,
  warmup: 1,
  forwardReps: 5,
  stepReps: 2,
  verifyCachedReps: 5,
  verifyNaiveReps: 1,
} as const;

/** The full run's settings where they differ from --quick. */
export const FULL = {
  maxPeople: 0,
  maxTest: 0,
  epochs: DEFAULT_TRAINING_CONFIG.epochs,
  scratchEpochs: 10,
  capturesPerPhoto: 20,
  samplesPerClass: DEFAULT_TRAINING_CONFIG.samplesPerClass,
  pairsLimit: 0,
  importImages: 0,
  warmup: 2,
  forwardReps: 20,
  stepReps: 10,
  verifyCachedReps: 20,
  verifyNaiveReps: 3,
} as const satisfies Record<keyof typeof QUICK, number>;

const HELP = `npm run bench [-- options]

  --quick              reduced run (6–12 min on 2 cores without a GPU, by load): ${QUICK.maxPeople} people, ≤ ${QUICK.maxTest} test photos each,
                       ${QUICK.capturesPerPhoto} captures per photo, ${QUICK.samplesPerClass} samples per class, ${QUICK.epochs} fine-tuning epoch(s),
                       ${QUICK.scratchEpochs} from-scratch epochs, ${QUICK.pairsLimit} pairs per pairs file, ${QUICK.importImages} photos to import,
                       fewer speed repetitions
  --parts LIST         comma list of ${PARTS.join(',')} (default: all)
  --data DIR           face set in LFW layout (default ../shared/data/lfw)
  --people FILE        names, one a line, or a people TSV (default ../shared/data/lfw-meta/people-dev-test.tsv): the accuracy
                       part's targets (≥ --min-photos photos), the liveness part's people (≥ 5 photos), the identification
                       part's enrolled (the first ${IDENT_ENROLLED} targets) and non-enrolled people (a seeded choice of the others)
  --pairs-meta DIR     folder of pairs-dev-train.tsv / pairs-dev-test.tsv (default ../shared/data/lfw-meta)
  --pairs-limit N      at most N pairs per pairs file, 0 = all (default 0; quick ${QUICK.pairsLimit})
  --pairs-models LIST  the towers the pairs part scores, comma list of ${PAIRS_MODELS.join(',')} (default both): the Koch network,
                       and the face-recognition ResNet on the app's aligned chip (head and Euclidean distance)
  --pairs-crops LIST   how the pairs part crops the photos for the Koch tower, comma list of ${PHOTO_CROPS.join(',')}, one run each
                       (default face,photo: the app's face crop, and the whole photo the model was pretrained on)
  --min-photos N       target people of the accuracy part need ≥ N photos (default 20)
  --max-people N       at most N people, 0 = all (default 0; quick ${QUICK.maxPeople}): the accuracy part's first N in name
                       order (the identification part enrols at most ${IDENT_ENROLLED} of them), the liveness part's N chosen with --seed
  --max-test N         at most N test photos per person, 0 = all (default 0; quick ${QUICK.maxTest})
  --variants LIST      accuracy variants, comma list of ${VARIANT_IDS.join(',')}
                       (default: all; '${APP_DEFAULT_VARIANT}' always runs)
  --epochs N           fine-tuning epochs (default ${FULL.epochs}, the app's; quick ${QUICK.epochs})
  --scratch-epochs N   epochs of the from-scratch variant (default ${FULL.scratchEpochs}; the reference recipe trains 50; quick ${QUICK.scratchEpochs})
  --captures N         captures per enrolment photo (default ${FULL.capturesPerPhoto}; quick ${QUICK.capturesPerPhoto})
  --samples-per-class N  samples per class in the pairs (default ${FULL.samplesPerClass}, the app's; quick ${QUICK.samplesPerClass})
  --learning-rate X    Adam learning rate of the trained Koch variants (the face-recognition head keeps its own) (default ${DEFAULT_TRAINING_CONFIG.learningRate}, the app's)
  --same-camera on|off also run every variant in the same-camera condition (default on)
  --accuracy-threads N wasm threads for the accuracy part (default 2)
  --import-images N    photos in the import archive, 0 = all (default 0; quick ${QUICK.importImages})
  --seed N             seed of every random choice (default 42)
  --out DIR            results folder (default bench/results)
  --scores FILE        also write every accuracy attempt's scores against each verification capture,
                       and each trained enrolment's calibration-cohort logits as trained, to FILE (JSON)
`;

function int(name: string, v: string | undefined, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} ${v}: expected an integer ≥ ${min}`);
  return n;
}

function positive(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new Error(`--${name} ${v}: expected a number in (0, 1]`);
  return n;
}

function oneOf<T extends string>(name: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`--${name} ${v}: expected ${allowed.join(' or ')}`);
  return v as T;
}

function list<T extends string>(name: string, v: string, allowed: readonly T[]): T[] {
  return v.split(',').map((x) => oneOf(name, x.trim(), allowed));
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
      'pairs-meta': { type: 'string' },
      'pairs-limit': { type: 'string' },
      'pairs-crops': { type: 'string' },
      'pairs-models': { type: 'string' },
      'min-photos': { type: 'string' },
      'max-people': { type: 'string' },
      'max-test': { type: 'string' },
      variants: { type: 'string' },
      epochs: { type: 'string' },
      'scratch-epochs': { type: 'string' },
      captures: { type: 'string' },
      'samples-per-class': { type: 'string' },
      'learning-rate': { type: 'string' },
      'same-camera': { type: 'string' },
      'accuracy-threads': { type: 'string' },
      'import-images': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      scores: { type: 'string' },
    },
    strict: true,
  });
  if (a.help) return 'help';
  const quick = a.quick === true;
  const d = quick ? QUICK : FULL;
  const parts = a.parts === undefined ? [...PARTS] : list('parts', a.parts, PARTS);
  const asked = a.variants === undefined ? [...VARIANT_IDS] : list('variants', a.variants, VARIANT_IDS);
  const variants = VARIANT_IDS.filter((v) => v === APP_DEFAULT_VARIANT || asked.includes(v));
  const shared = path.resolve(root, '../shared/data');
  return {
    quick,
    parts,
    data: path.resolve(a.data ?? path.join(shared, 'lfw')),
    people: path.resolve(a.people ?? path.join(shared, 'lfw-meta/people-dev-test.tsv')),
    pairsMeta: path.resolve(a['pairs-meta'] ?? path.join(shared, 'lfw-meta')),
    pairsLimit: int('pairs-limit', a['pairs-limit'], d.pairsLimit, 0),
    pairsCrops: a['pairs-crops'] === undefined ? [...PHOTO_CROPS] : list('pairs-crops', a['pairs-crops'], PHOTO_CROPS),
    pairsModels: a['pairs-models'] === undefined ? [...PAIRS_MODELS] : list('pairs-models', a['pairs-models'], PAIRS_MODELS),
    minPhotos: int('min-photos', a['min-photos'], 20, 16),
    maxPeople: int('max-people', a['max-people'], d.maxPeople, 0),
    maxTest: int('max-test', a['max-test'], d.maxTest, 0),
    variants,
    epochs: int('epochs', a.epochs, d.epochs, 1),
    scratchEpochs: int('scratch-epochs', a['scratch-epochs'], d.scratchEpochs, 1),
    capturesPerPhoto: int('captures', a.captures, d.capturesPerPhoto, 1),
    samplesPerClass: int('samples-per-class', a['samples-per-class'], d.samplesPerClass, 1),
    learningRate: positive('learning-rate', a['learning-rate'], DEFAULT_TRAINING_CONFIG.learningRate),
    sameCamera: oneOf('same-camera', a['same-camera'] ?? 'on', ['on', 'off'] as const) === 'on',
    accuracyThreads: int('accuracy-threads', a['accuracy-threads'], 2, 1),
    importImages: int('import-images', a['import-images'], d.importImages, 0),
    seed: int('seed', a.seed, 42, 0),
    out: path.resolve(a.out ?? path.join(root, 'bench/results')),
    scores: a.scores === undefined ? null : path.resolve(a.scores),
    warmup: d.warmup,
    forwardReps: d.forwardReps,
    stepReps: d.stepReps,
    verifyNs: [1, 10, 50, 200],
    verifyCachedReps: d.verifyCachedReps,
    verifyNaiveReps: d.verifyNaiveReps,
  };
}

export { HELP };
