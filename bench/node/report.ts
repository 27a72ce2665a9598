/**
 * The shape of bench/results/latest.json and its readable twin latest.md.
 */
import type { AugmentConfig, AugmentConfigInput, ModelConfig, TrainingConfig, VerifyConfig } from '../../src/config';
import type { CameraParams } from '../../src/augment';
import type { BackendInfo, BackendSpeed, ImportSpeed, RocSummary, VerifySpeed } from '../common/types';
import type { BenchOptions } from './options';

export interface PartTiming {
  readonly part: string;
  readonly seconds: number;
  /** Where it ran and how. */
  readonly where: string;
}

export interface PixelBaseline {
  readonly frr: number;
  readonly far: number;
  readonly eer: number;
  readonly auc: number;
  /** Mean-L1 distance threshold (its EER point): granted when the distance is below it. */
  readonly distanceThreshold: number;
}

export interface AccuracyReport {
  readonly people: readonly string[];
  readonly settings: {
    readonly where: string;
    readonly data: string;
    readonly peopleFile: string;
    readonly minPhotos: number;
    readonly maxPeople: number;
    readonly split: Readonly<Record<'anchors' | 'positives' | 'verification' | 'test', string>>;
    readonly model: string;
    readonly modelConfig: ModelConfig;
    readonly params: number;
    readonly training: TrainingConfig;
    readonly appDefaultEpochs: number;
    readonly verify: VerifyConfig;
    readonly capturesPerPhoto: number;
    readonly jitter: AugmentConfigInput;
    /** Augmentation of training batches (the app's defaults) or null for none. */
    readonly trainAugment: AugmentConfig | null;
    readonly camera: CameraParams;
    readonly negatives: { readonly count: number; readonly version: string; readonly people: number; readonly seconds: number };
    readonly backend: BackendInfo;
    readonly seed: number;
    readonly weightInit: string;
  };
  readonly frr: number;
  readonly far: number;
  readonly eer: number;
  readonly auc: number;
  readonly attempts: { readonly genuine: number; readonly impostor: number };
  readonly sameCamera: Pick<RocSummary, 'frr' | 'far' | 'eer' | 'auc'>;
  readonly pixelBaseline: PixelBaseline;
  readonly pixelBaselineSameCamera: PixelBaseline;
  /** The bundled pretrained network scored without training (null when off or absent). */
  readonly pretrainedOnly: {
    readonly model: string;
    readonly frr: number;
    readonly far: number;
    readonly eer: number;
    readonly auc: number;
    readonly sameCamera: Pick<RocSummary, 'frr' | 'far' | 'eer' | 'auc'> | null;
    readonly enrolments: AccuracyReport['enrolments'];
    readonly seconds: number;
  } | null;
  readonly enrolments: readonly {
    readonly target: string;
    readonly condition: string;
    readonly frr: number;
    readonly far: number;
    readonly genuine: number;
    readonly impostor: number;
    readonly meanGenuineVerification: number;
    readonly meanImpostorVerification: number;
    /** ROC AUC of this enrolment's verification fractions. */
    readonly auc: number;
    /** Share of the person's own enrolment photos (1–15, no jitter) granted. */
    readonly seenGranted: number;
    readonly counts: Readonly<Record<string, number>>;
    readonly history: readonly { readonly epoch: number; readonly trainLoss: number; readonly testLoss: number; readonly accuracy: number; readonly epochMs: number }[];
    readonly trainSeconds: number;
    readonly verifySeconds: number;
    readonly medianStepMs: number;
  }[];
  readonly setupSeconds: number;
  readonly medianStepMs: number;
}

export type BackendRow = BackendSpeed | { readonly backend: string; readonly threads: number; readonly error: string };

export interface BenchReport {
  readonly format: 'siamese-face-id/bench';
  readonly version: 1;
  readonly startedAt: string;
  finishedAt: string | null;
  totalSeconds: number | null;
  readonly command: string;
  readonly options: BenchOptions;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGB: number;
    /** 1, 5 and 15 minute load averages when the run started (other work on the machine skews timings). */
    readonly loadAverage: readonly number[];
    readonly os: string;
    readonly node: string;
    browser: string | null;
    readonly browserPath: string;
    pageHardwareConcurrency: readonly number[];
  };
  readonly parts: PartTiming[];
  readonly speed: {
    readonly model: string;
    readonly modelConfig: ModelConfig;
    backends: BackendRow[];
    /** Per n: the app's verifier vs the reference way, on `verifyBackend`. */
    verify: VerifySpeed[] | null;
    verifyBackend: BackendInfo | null;
    import: ImportSpeed | null;
  };
  accuracy: AccuracyReport | null;
  readonly errors: { readonly part: string; readonly message: string }[];
}

const f = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const table = (head: readonly string[], rows: readonly (readonly string[])[]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function speedSection(r: BenchReport): string[] {
  const o = r.options;
  const out = ['## Speed: model forward and training step', ''];
  const params = r.speed.backends.find((b): b is BackendSpeed => 'params' in b)?.params;
  out.push(
    `Model: ${r.speed.model}${params ? `, ${params.toLocaleString('en')} parameters` : ''}. Forward: one embedding-tower pass on one ${r.speed.modelConfig.inputSize}×${r.speed.modelConfig.inputSize} image. ` +
      `Step: one step of the app's train() (batch 16, Adam, lr 1e-4). Medians of the timed runs after the warm-up runs; "runs" = warm-up + timed. ` +
      `One page per backend. tfjs-backend-wasm sizes its thread pool as min(threads, hardwareConcurrency / 2), so where the machine has fewer than 2 × threads cores the page is made to report 2 × threads (DevTools override); the work runs on the real cores.`,
    '',
  );
  out.push(
    table(
      ['backend', 'threads', 'renderer', 'embed forward (ms)', 'forward runs', 'train step (ms)', 'step runs', 'note'],
      r.speed.backends.map((b) =>
        'error' in b
          ? [b.backend, String(b.threads), '', '—', '', '—', '', `FAILED: ${b.error}`]
          : [
              b.backend,
              String(b.threads),
              b.backend === 'webgl' ? (b.renderer ?? 'none') : '',
              f(b.embedForwardMs),
              `${b.warmup} + ${b.forwardSamplesMs.length}`,
              f(b.trainStepMs, 0),
              b.stepSamplesMs.length > 0 ? `${b.warmup} + ${b.stepSamplesMs.length}` : '—',
              b.note,
            ],
      ),
    ),
    '',
  );
  const v = r.speed.verify;
  if (v && r.speed.verifyBackend) {
    out.push('## Verification per frame: cached embeddings vs the reference way', '');
    out.push(
      `Backend: ${r.speed.verifyBackend.reason}. Reference model. Cached: the app's verifier (n verification embeddings computed once; per frame one tower pass and the Dense head on n distances). ` +
        `Reference way: n separate whole-siamese predictions of (frame, image i) per frame, as the notebook did (its per-frame re-reading of the images is not counted). ` +
        `Medians of ${o.verifyCachedReps} cached / ${o.verifyNaiveReps} reference-way frames after warm-up.`,
      '',
    );
    out.push(
      table(
        ['n', 'cached (ms/frame)', 'reference way (ms/frame)', 'speed-up', 'embed forward (ms)', 'caching n embeddings (ms)', 'max score difference'],
        v.map((x) => [String(x.n), f(x.cachedFrameMs), f(x.naiveFrameMs, 0), `${f(x.naiveFrameMs / x.cachedFrameMs)}×`, f(x.embedForwardMs), f(x.cacheBuildMs, 0), x.maxScoreDiff.toExponential(1)]),
      ),
      '',
    );
  }
  const m = r.speed.import;
  if (m) {
    out.push('## Import of an LFW-layout .tgz into IndexedDB', '');
    out.push(`The app's importImages (streaming tar reader, browser decode, import crop, JPEG re-encode, sample store) on a fresh on-disk profile. Archive built by the bench from ${o.data} (first ${m.images} photos in path order) in ${f(m.archiveBuildSeconds)} s, not counted.`, '');
    out.push(
      table(
        ['images', 'people', 'archive (MB)', 'seconds', 'images/s', 'peak JS heap (MB)', 'heap at start (MB)', 'skipped'],
        [[String(m.images), String(m.people), f(m.archiveMB), f(m.seconds), f(m.imagesPerSecond), f(m.peakHeapMB), f(m.startHeapMB), String(m.skipped)]],
      ),
      '',
    );
  }
  return out;
}

function accuracySection(a: AccuracyReport): string[] {
  const s = a.settings;
  const t = s.training;
  const mc = s.modelConfig;
  const out = ['## Accuracy: the enrolment protocol', ''];
  out.push(
    `- Where: ${s.where}; ${s.backend.reason}.`,
    `- People (${a.people.length}): ${a.people.join(', ')} — from ${s.peopleFile}, ≥ ${s.minPhotos} photos${s.maxPeople > 0 ? `, first ${s.maxPeople} by name` : ''}; photos from ${s.data}.`,
    `- Photos in filename order: ${s.split.anchors} anchors, ${s.split.positives} positives, ${s.split.verification} verification images, ${s.split.test} test. Each enrolment photo → ${s.capturesPerPhoto} captures with seeded jitter (src/augment: shift ±3 px, zoom ±2 %, brightness ±0.04, noise σ 0.005–0.02, JPEG q90).`,
    `- Negatives: the app's bundled pack (${s.negatives.count} faces of ${s.negatives.people} people, version ${s.negatives.version}), loaded through the app's ensureBundledNegatives into IndexedDB.`,
    `- Model: **${s.model}** — inputSize ${mc.inputSize}, filters ${mc.filters.join('/')}, kernels ${mc.kernels.join('/')}, embedding ${mc.embeddingSize}, pool ${mc.pool}; ${s.params.toLocaleString('en')} parameters${s.model === 'reference' ? '' : ' (scaled down from the reference model so that training fits a CPU run; same pipeline)'}.`,
    `- Training: the app's train() with the app's defaults except epochs: **${t.epochs} epochs** (app default ${s.appDefaultEpochs}), batch ${t.batchSize}, lr ${t.learningRate}, samplesPerClass ${t.samplesPerClass}, trainFraction ${t.trainFraction}, seed ${t.seed}. ${s.weightInit}.`,
    `- Training augmentation: ${s.trainAugment ? "on, the app's defaults (src/config DEFAULT_AUGMENT_CONFIG, applied per batch as the app's training session does)" : 'off'}.`,
    `- Verification: the app's verifier and decision rule, default thresholds (detection ${s.verify.detectionThreshold}, verification ${s.verify.verificationThreshold}). Genuine: the person's test photos; impostor: the other targets' test photos. ${a.attempts.genuine} genuine and ${a.attempts.impostor} impostor attempts per condition.`,
    `- Same camera: src/augment cameraTransform (gain ${s.camera.gain.join('/')}, blur σ ${s.camera.blurSigma}, noise σ ${s.camera.noiseSigma}, JPEG ${s.camera.jpegQuality}) on the enrolment photos (before the jitter) and on every test photo; the bundled negatives unchanged. Retrained per person.`,
    `- Pixel baseline: mean L1 distance of the raw 100×100 pixels (the same preprocessing) between the test photo and the enrolment's verification captures, thresholded at its own EER point.`,
    `- EER and AUC are of the per-attempt verification fraction (detections / N), pooled over all enrolments.`,
    '',
  );
  const row = (name: string, x: { frr: number; far: number; eer: number; auc: number }) => [name, pct(x.frr), pct(x.far), pct(x.eer), f(x.auc, 3)];
  out.push(
    table(
      ['', 'FRR', 'FAR', 'EER', 'ROC AUC'],
      [
        row('network, default thresholds', a),
        row('network, same camera', a.sameCamera),
        row('pixel L1 baseline (at its EER threshold)', a.pixelBaseline),
        row('pixel L1 baseline, same camera', a.pixelBaselineSameCamera),
        ...(a.pretrainedOnly ? [row('pretrained only (no training), default thresholds', a.pretrainedOnly)] : []),
        ...(a.pretrainedOnly?.sameCamera ? [row('pretrained only, same camera', a.pretrainedOnly.sameCamera)] : []),
      ],
    ),
    '',
  );
  if (a.pretrainedOnly) {
    out.push(
      `Pretrained only: ${a.pretrainedOnly.model}, verifying each attempt against the person's verification captures; ${f(a.pretrainedOnly.seconds, 0)} s.`,
      '',
    );
  }
  out.push('Per enrolment:', '');
  out.push(enrolmentTable(a.enrolments), '');
  if (a.pretrainedOnly) out.push('Pretrained only, per person:', '', enrolmentTable(a.pretrainedOnly.enrolments), '');
  return out;
}

function enrolmentTable(enrolments: AccuracyReport['enrolments']): string {
  return table(
      ['person', 'condition', 'genuine', 'FRR', 'impostor', 'FAR', 'mean verification genuine / impostor', 'AUC', 'own enrolment photos granted', 'train pairs', 'final test loss / acc', 'train (s)', 'step (ms)'],
      enrolments.map((e) => {
        const last = e.history.at(-1);
        return [
          e.target,
          e.condition,
          String(e.genuine),
          pct(e.frr),
          String(e.impostor),
          pct(e.far),
          `${f(e.meanGenuineVerification, 3)} / ${f(e.meanImpostorVerification, 3)}`,
          f(e.auc, 3),
          pct(e.seenGranted),
          e.counts.trainPairs ? String(e.counts.trainPairs) : '—',
          last ? `${f(last.testLoss, 3)} / ${f(last.accuracy, 2)}` : '—',
          e.history.length > 0 ? f(e.trainSeconds, 0) : '—',
          f(e.medianStepMs, 0),
        ];
      }),
  );
}

export function renderMarkdown(r: BenchReport): string {
  const m = r.machine;
  const out: string[] = ['# Benchmark results', ''];
  out.push(
    `\`${r.command}\` — ${r.options.quick ? 'quick' : 'full'} run, started ${r.startedAt}${r.totalSeconds !== null ? `, ${(r.totalSeconds / 60).toFixed(1)} min in all` : ' (unfinished)'}.`,
    '',
  );
  out.push('## Machine', '');
  out.push(
    table(
      ['', ''],
      [
        ['CPU', `${m.cpu}, ${m.cores} cores`],
        ['memory', `${f(m.memoryGB)} GB`],
        ['OS', m.os],
        ['Node', m.node],
        ['browser', `${m.browser ?? '—'} (${m.browserPath}), headless`],
        ['load average at start', m.loadAverage.map((x) => x.toFixed(1)).join(' / ')],
        ['page hardwareConcurrency', [...new Set(m.pageHardwareConcurrency)].join(', ') || '—'],
      ],
    ),
    '',
  );
  out.push('## Run time of each part', '');
  out.push(table(['part', 'seconds', 'where'], r.parts.map((p) => [p.part, f(p.seconds), p.where])), '');
  out.push(...speedSection(r));
  if (r.accuracy) out.push(...accuracySection(r.accuracy));
  if (r.errors.length > 0) {
    out.push('## Errors', '');
    for (const e of r.errors) out.push(`- **${e.part}**: \`${e.message.split('\n')[0]}\``);
    out.push('');
  }
  return out.join('\n');
}
