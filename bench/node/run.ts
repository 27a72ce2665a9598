/**
 * `npm run bench [-- options]`: builds the bench page, serves it, and runs each part in headless
 * Chromium with the app's own code; writes <out>/latest.json and <out>/latest.md.
 *
 * Parts (see bench/README.md): speed (model forward and train step per backend), verify (cached
 * verifier vs the reference way), import (LFW-layout .tgz into IndexedDB), accuracy (the
 * enrolment protocol on real faces).
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_AUGMENT_CONFIG, DEFAULT_TRAINING_CONFIG, DEFAULT_VERIFY_CONFIG, validateModelConfig, type AugmentConfigInput } from '../../src/config';
import { DEFAULT_CAMERA_PARAMS } from '../../src/augment/augment';
import { median, ratesAt, rocAuc, rocSummary } from '../common/metrics';
import type { AccuracySetup, BackendSpeed, BackendSpeedRequest, EnrolmentResult, ImportSpeed, SetupInfo, VerifySpeedResult } from '../common/types';
import { launchBrowser, openPersistentSession, openSession, CHROMIUM_PATH, type BenchSession } from './browser';
import { buildArchive, planTargets, SPLIT } from './lfw';
import { HELP, MODELS, parseOptions, type BenchOptions } from './options';
import { renderMarkdown, type BenchReport, type PartTiming, type AccuracyReport } from './report';
import { buildHarness, PHOTO_BASE, serveHarness } from './server';

/**
 * Camera-like jitter of a burst of captures from one photo (src/augment, seeded per photo): a shift
 * of up to ±3 px and a zoom of ±2 % (head movement), brightness ±0.04 (exposure), sensor noise
 * σ 0.005–0.02, and the JPEG (quality 90) the app stores captures with. No flip, colour cast,
 * blur or contrast change: one webcam, one sitting.
 */
export const CAPTURE_JITTER: AugmentConfigInput = {
  enabled: true,
  flip: { enabled: false },
  shift: { enabled: true, min: -0.03, max: 0.03 },
  scale: { enabled: true, min: 0.98, max: 1.02 },
  colorCast: { enabled: false },
  brightness: { enabled: true, min: -0.04, max: 0.04 },
  contrast: { enabled: false },
  saturation: { enabled: false },
  blur: { enabled: false },
  noise: { enabled: true, min: 0.005, max: 0.02 },
  jpegQuality: { enabled: true, min: 90, max: 90 },
};

/** The pretrained network the app bundles, under public/. */
const PRETRAINED_FILE = 'models/pretrained/model.json';

const cores = () => os.availableParallelism?.() ?? os.cpus().length;
/** hardwareConcurrency that lets tfjs-backend-wasm run `threads` threads (pool = min(threads, hc / 2)). */
const concurrencyFor = (threads: number) => (2 * threads > cores() ? { hardwareConcurrency: 2 * threads } : {});

function log(msg: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

async function timed<T>(what: string, timings: PartTiming[], where: string, fn: () => Promise<T>): Promise<T> {
  log(`${what}…`);
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    const seconds = (performance.now() - t0) / 1000;
    timings.push({ part: what, seconds, where });
    log(`${what} done in ${seconds.toFixed(1)} s`);
  }
}

async function withSession<T>(open: Promise<BenchSession>, fn: (s: BenchSession) => Promise<T>): Promise<T> {
  const s = await open;
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

function speedRequests(o: BenchOptions): BackendSpeedRequest[] {
  const base = { model: {}, batchSize: DEFAULT_TRAINING_CONFIG.batchSize, warmup: o.warmup, forwardReps: o.forwardReps, stepReps: o.stepReps, seed: o.seed };
  return [
    { ...base, backend: 'wasm', threads: 1, step: true },
    { ...base, backend: 'wasm', threads: 2, step: true },
    // A cpu step of the reference model takes minutes (~130 s measured): forward only.
    { ...base, backend: 'cpu', threads: 1, step: false, forwardReps: Math.min(o.forwardReps, 3), warmup: 1 },
    // The page skips the step when WebGL is a software renderer (no GPU) and says so.
    { ...base, backend: 'webgl', threads: 1, step: true, forwardReps: Math.min(o.forwardReps, 5) },
  ];
}

async function runSpeed(o: BenchOptions, origin: string, browser: Awaited<ReturnType<typeof launchBrowser>>): Promise<{ backends: (BackendSpeed | { backend: string; threads: number; error: string })[]; hardwareConcurrency: number[] }> {
  const backends: (BackendSpeed | { backend: string; threads: number; error: string })[] = [];
  const hc: number[] = [];
  for (const req of speedRequests(o)) {
    const label = `${req.backend}${req.backend === 'wasm' ? ` ×${req.threads}` : ''}`;
    try {
      const r = await withSession(openSession(browser, origin, req.backend === 'wasm' ? concurrencyFor(req.threads) : {}), async (s) => {
        hc.push(s.hardwareConcurrency);
        return s.page.evaluate((q) => window.__bench!.speedBackend(q), req);
      });
      if (req.backend === 'wasm' && r.threads !== req.threads) throw new Error(`asked for ${req.threads} wasm threads, the backend runs ${r.threads}`);
      if (r.leakedTensors !== 0) throw new Error(`the run left ${r.leakedTensors} tensors behind`);
      backends.push(r);
      log(`  ${label}: forward ${r.embedForwardMs.toFixed(1)} ms, step ${r.trainStepMs === null ? '—' : `${r.trainStepMs.toFixed(0)} ms`} ${r.note ? `(${r.note})` : ''}`);
    } catch (e) {
      const error = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      backends.push({ backend: req.backend, threads: req.threads, error });
      log(`  ${label} FAILED: ${error}`);
    }
  }
  return { backends, hardwareConcurrency: hc };
}

async function runImport(o: BenchOptions, origin: string): Promise<ImportSpeed> {
  const cache = path.join(o.out, '.cache');
  await mkdir(cache, { recursive: true });
  const archive = await buildArchive(o.data, path.join(cache, 'lfw-bench.tgz'), o.importImages);
  log(`  archive: ${archive.images} photos of ${archive.people} people, ${(archive.bytes / 2 ** 20).toFixed(1)} MB, built in ${archive.seconds.toFixed(1)} s`);
  try {
    const m = await withSession(openPersistentSession(origin), async (s) => {
      await s.page.setInputFiles('#archive', archive.file);
      return s.page.evaluate(() => window.__bench!.importArchive());
    });
    if (m.images !== archive.images || m.storedAfter !== archive.images) {
      throw new Error(`the archive holds ${archive.images} photos; ${m.images} were imported and ${m.storedAfter} are stored (${m.skipped} skipped)`);
    }
    return {
      images: m.images,
      seconds: m.seconds,
      imagesPerSecond: m.images / m.seconds,
      peakHeapMB: m.peakHeapMB,
      startHeapMB: m.startHeapMB,
      skipped: m.skipped,
      storedAfter: m.storedAfter,
      archiveMB: m.archiveMB,
      people: archive.people,
      archiveBuildSeconds: archive.seconds,
    };
  } finally {
    await rm(archive.file, { force: true });
  }
}

function logEnrolment(r: EnrolmentResult, what: string): void {
  const denied = r.genuine.filter((a) => !a.granted).length;
  const granted = r.impostor.filter((a) => a.granted).length;
  const last = r.history.at(-1);
  const training = last ? `trained ${r.trainSeconds.toFixed(0)} s (step ${r.medianStepMs.toFixed(0)} ms, test loss ${last.testLoss.toFixed(3)}, acc ${last.accuracy.toFixed(2)}), ` : '';
  log(
    `  ${r.target} (${r.condition}, ${what}): ${training}genuine denied ${denied}/${r.genuine.length}, impostors granted ${granted}/${r.impostor.length}, ` +
      `own enrolment photos granted ${(100 * r.seenGranted).toFixed(0)} %, AUC ${enrolmentAuc(r).toFixed(3)}`,
  );
  if (r.leakedTensors !== 0) throw new Error(`an enrolment run left ${r.leakedTensors} tensors behind`);
}

function enrolmentSummary(r: EnrolmentResult): AccuracyReport['enrolments'][number] {
  const mean = (xs: readonly { verification: number }[]) => xs.reduce((a, x) => a + x.verification, 0) / xs.length;
  return {
    target: r.target,
    condition: r.condition,
    frr: r.genuine.filter((a) => !a.granted).length / r.genuine.length,
    far: r.impostor.filter((a) => a.granted).length / r.impostor.length,
    genuine: r.genuine.length,
    impostor: r.impostor.length,
    meanGenuineVerification: mean(r.genuine),
    meanImpostorVerification: mean(r.impostor),
    auc: enrolmentAuc(r),
    seenGranted: r.seenGranted,
    counts: r.counts,
    history: r.history,
    trainSeconds: r.trainSeconds,
    verifySeconds: r.verifySeconds,
    medianStepMs: r.medianStepMs,
  };
}

/** AUC of one enrolment's verification fractions, genuine vs impostor. */
const enrolmentAuc = (r: EnrolmentResult) =>
  rocAuc(
    r.genuine.map((a) => a.verification),
    r.impostor.map((a) => a.verification),
  );

function summarise(results: readonly EnrolmentResult[], condition: EnrolmentResult['condition'], thresholds: typeof DEFAULT_VERIFY_CONFIG) {
  const runs = results.filter((r) => r.condition === condition);
  const genuine = runs.flatMap((r) => r.genuine);
  const impostor = runs.flatMap((r) => r.impostor);
  const net = rocSummary(
    genuine.map((a) => a.verification),
    impostor.map((a) => a.verification),
    thresholds.verificationThreshold,
  );
  // Pixel baseline: score = −distance; its threshold is its own EER point.
  const g = genuine.map((a) => -a.pixelDistance);
  const i = impostor.map((a) => -a.pixelDistance);
  const pix = rocSummary(g, i, 0);
  const pixAtEer = ratesAt(g, i, pix.eerThreshold);
  // The decision rule's own outcome must match the fraction > threshold rule used above.
  const grantedGenuine = genuine.filter((a) => a.granted).length;
  if (grantedGenuine !== Math.round((1 - net.frr) * genuine.length)) throw new Error('granted flags disagree with the verification fractions');
  return {
    attempts: { genuine: genuine.length, impostor: impostor.length },
    network: net,
    pixel: { ...pixAtEer, eer: pix.eer, auc: pix.auc, distanceThreshold: -pix.eerThreshold },
  };
}

async function runAccuracy(o: BenchOptions, root: string, origin: string, browser: Awaited<ReturnType<typeof launchBrowser>>): Promise<AccuracyReport> {
  const targets = await planTargets(o.data, o.people, o.minPhotos, o.maxPeople);
  const model = validateModelConfig(MODELS[o.model]);
  const training = { ...DEFAULT_TRAINING_CONFIG, epochs: o.epochs, seed: o.seed };
  const setup: AccuracySetup = {
    targets,
    photoBase: PHOTO_BASE,
    threads: o.accuracyThreads,
    model,
    training,
    verify: DEFAULT_VERIFY_CONFIG,
    capturesPerPhoto: o.capturesPerPhoto,
    jitter: CAPTURE_JITTER,
    trainAugment: o.trainAugment ? DEFAULT_AUGMENT_CONFIG : null,
    seed: o.seed,
  };
  log(`  targets: ${targets.map((t) => `${t.name} (${t.test.length} test photos)`).join(', ')}`);
  return withSession(openSession(browser, origin, concurrencyFor(o.accuracyThreads)), async (s) => {
    const info: SetupInfo = await s.page.evaluate((q) => window.__bench!.accuracySetup(q), setup);
    log(`  page ready: ${info.backend.reason}; ${info.negatives.count} bundled negatives; ${info.photos} photos; model ${info.params.toLocaleString('en')} parameters`);
    const results: EnrolmentResult[] = [];
    for (const condition of ['plain', 'sameCamera'] as const) {
      for (let t = 0; t < targets.length; t++) {
        const r = await s.page.evaluate(([i, c]) => window.__bench!.accuracyRun(i, c), [t, condition] as const);
        logEnrolment(r, 'trained');
        results.push(r);
      }
    }
    const plain = summarise(results, 'plain', DEFAULT_VERIFY_CONFIG);
    const cam = summarise(results, 'sameCamera', DEFAULT_VERIFY_CONFIG);

    let pretrainedOnly: AccuracyReport['pretrainedOnly'] = null;
    if (o.pretrained !== 'off') {
      if (!existsSync(path.join(root, 'public', PRETRAINED_FILE))) {
        log(`  no pretrained model at public/${PRETRAINED_FILE}: pretrained-only variant skipped`);
      } else {
        const conditions = o.pretrained === 'both' ? (['plain', 'sameCamera'] as const) : (['plain'] as const);
        const runs: EnrolmentResult[] = [];
        const t1 = performance.now();
        for (const condition of conditions) {
          for (let t = 0; t < targets.length; t++) {
            const r = await s.page.evaluate(([i, c]) => window.__bench!.accuracyPretrained(i, c), [t, condition] as const);
            logEnrolment(r, 'pretrained only');
            runs.push(r);
          }
        }
        const p = summarise(runs, 'plain', DEFAULT_VERIFY_CONFIG);
        const pc = conditions.length > 1 ? summarise(runs, 'sameCamera', DEFAULT_VERIFY_CONFIG) : null;
        pretrainedOnly = {
          model: `public/${PRETRAINED_FILE} (reference design, no training on the person)`,
          frr: p.network.frr,
          far: p.network.far,
          eer: p.network.eer,
          auc: p.network.auc,
          sameCamera: pc && { frr: pc.network.frr, far: pc.network.far, eer: pc.network.eer, auc: pc.network.auc },
          enrolments: runs.map(enrolmentSummary),
          seconds: (performance.now() - t1) / 1000,
        };
      }
    }
    return {
      people: targets.map((t) => t.name),
      settings: {
        where:
          'headless Chromium, bench page (production build), main thread' +
          (2 * o.accuracyThreads > cores() ? `; the page reports hardwareConcurrency ${2 * o.accuracyThreads} (DevTools override) so that wasm runs ${o.accuracyThreads} threads` : ''),
        data: o.data,
        peopleFile: o.people,
        minPhotos: o.minPhotos,
        maxPeople: o.maxPeople,
        split: { anchors: '1–5', positives: '6–10', verification: '11–15', test: `${SPLIT.testFrom + 1}+` },
        model: o.model,
        modelConfig: model,
        params: info.params,
        training,
        appDefaultEpochs: DEFAULT_TRAINING_CONFIG.epochs,
        verify: DEFAULT_VERIFY_CONFIG,
        capturesPerPhoto: o.capturesPerPhoto,
        jitter: CAPTURE_JITTER,
        trainAugment: setup.trainAugment,
        camera: DEFAULT_CAMERA_PARAMS,
        negatives: info.negatives,
        backend: info.backend,
        seed: o.seed,
        weightInit: 'Glorot-uniform kernels and zero biases from the seed (test/seeded.ts seedWeights), the same for every enrolment',
      },
      frr: plain.network.frr,
      far: plain.network.far,
      eer: plain.network.eer,
      auc: plain.network.auc,
      attempts: plain.attempts,
      sameCamera: { frr: cam.network.frr, far: cam.network.far, eer: cam.network.eer, auc: cam.network.auc },
      pixelBaseline: plain.pixel,
      pixelBaselineSameCamera: cam.pixel,
      enrolments: results.map(enrolmentSummary),
      pretrainedOnly,
      setupSeconds: info.seconds,
      medianStepMs: median(results.map((r) => r.medianStepMs)),
    };
  });
}

export async function main(argv: readonly string[], root: string): Promise<void> {
  const parsed = parseOptions(argv, root);
  if (parsed === 'help') {
    console.log(HELP);
    return;
  }
  const o = parsed;
  const startedAt = new Date();
  const t0 = performance.now();
  await mkdir(o.out, { recursive: true });
  const timings: PartTiming[] = [];
  const report: BenchReport = {
    format: 'siamese-face-id/bench',
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    totalSeconds: null,
    command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
    options: o,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: cores(),
      memoryGB: os.totalmem() / 2 ** 30,
      loadAverage: os.loadavg(),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      browser: null,
      browserPath: CHROMIUM_PATH,
      pageHardwareConcurrency: [],
    },
    parts: timings,
    speed: { model: 'reference (buildSiamese() defaults)', modelConfig: validateModelConfig({}), backends: [], verify: null, verifyBackend: null, import: null },
    accuracy: null,
    errors: [],
  };
  const save = async () => {
    await writeFile(path.join(o.out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(path.join(o.out, 'latest.md'), renderMarkdown(report));
  };
  const guard = async (part: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
      report.errors.push({ part, message: msg.split('\n').slice(0, 6).join('\n') });
      log(`${part} FAILED: ${msg}`);
    }
    await save();
  };

  log(`${o.quick ? 'quick' : 'full'} run, parts: ${o.parts.join(', ')}; results in ${path.relative(root, o.out) || o.out}`);
  const buildDir = path.join(o.out, '.build');
  await timed('build', timings, 'Node: vite build of bench/harness.html (production settings) into bench/results/.build', () => buildHarness(root, buildDir));
  const server = await serveHarness(root, buildDir, o.data);
  const browser = await launchBrowser();
  report.machine.browser = `Chromium ${browser.version()}`;
  try {
    if (o.parts.includes('speed')) {
      await guard('speed', () =>
        timed('speed', timings, 'headless Chromium, one page per backend', async () => {
          const r = await runSpeed(o, server.origin, browser);
          report.speed.backends = r.backends;
          report.machine.pageHardwareConcurrency = r.hardwareConcurrency;
        }),
      );
    }
    if (o.parts.includes('verify')) {
      await guard('verify', () =>
        timed('verify', timings, 'headless Chromium, the backend the app picks by itself', async () => {
          const req = { model: {}, ns: o.verifyNs, warmup: o.warmup, cachedReps: o.verifyCachedReps, naiveReps: o.verifyNaiveReps, seed: o.seed };
          const r: VerifySpeedResult = await withSession(openSession(browser, server.origin), (s) => s.page.evaluate((q) => window.__bench!.speedVerify(q, {}), req));
          if (r.leakedTensors !== 0) throw new Error(`the verify part left ${r.leakedTensors} tensors behind`);
          report.speed.verify = [...r.rows];
          report.speed.verifyBackend = r.backend;
        }),
      );
    }
    if (o.parts.includes('import')) {
      await guard('import', () =>
        timed('import', timings, 'headless Chromium, on-disk profile (IndexedDB on disk)', async () => {
          report.speed.import = await runImport(o, server.origin);
          const m = report.speed.import;
          log(`  ${m.images} images in ${m.seconds.toFixed(1)} s = ${m.imagesPerSecond.toFixed(1)}/s, peak heap ${m.peakHeapMB.toFixed(0)} MB`);
        }),
      );
    }
    if (o.parts.includes('accuracy')) {
      await guard('accuracy', () =>
        timed('accuracy', timings, 'headless Chromium, bench page main thread, wasm', async () => {
          report.accuracy = await runAccuracy(o, root, server.origin, browser);
          const a = report.accuracy;
          log(`  FRR ${a.frr.toFixed(3)}, FAR ${a.far.toFixed(3)}, EER ${a.eer.toFixed(3)}, AUC ${a.auc.toFixed(3)}; pixel baseline AUC ${a.pixelBaseline.auc.toFixed(3)}`);
        }),
      );
    }
  } finally {
    await browser.close();
    await server.close();
    report.finishedAt = new Date().toISOString();
    report.totalSeconds = (performance.now() - t0) / 1000;
    await save();
  }
  log(`done in ${(report.totalSeconds / 60).toFixed(1)} min: ${path.join(o.out, 'latest.json')}, latest.md`);
  if (report.errors.length > 0) process.exitCode = 1;
}
