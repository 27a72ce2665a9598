#!/usr/bin/env node
/**
 * Calibrates the pretrained model's output so that the app's detection threshold 0.5 is a sensible
 * operating point for people the model never saw, by shifting the classifier's bias.
 *
 * 1. Scores pairs-dev-train.tsv and pairs-dev-test.tsv with the model (tools/lfw/pairs.ts: the
 *    app's preprocess, cached embeddings, the model's own head) and the raw-pixel baseline. Each
 *    photo is cropped as --crop says (tools/lfw/crop.ts): 'face' (default) the app's face
 *    crop, the input the model gets in the app; 'photo' the whole photo.
 * 2. Calibration pairs: the dev-test pairs that show none of the enrolment benchmark's target
 *    people (people of people-dev-test.tsv with ≥ --min-photos photos, tools/lfw/folder.ts's
 *    planTargets). Not dev-train pairs: the model was trained on those people, and a threshold
 *    fitted there does not transfer.
 * 3. t = the logit threshold with the best accuracy on the calibration pairs, or with
 *    --target-far F the lowest threshold that accepts at most a fraction F of the calibration
 *    pairs of different people (a verifier's operating point); the bias becomes
 *    b − t, so that sigmoid output 0.5 is logit t. The bias is one uint8-quantized value
 *    (value = min + byte × scale): the manifest's `min` moves by −t, nothing else in model.json
 *    or the weight files changes.
 * 4. Reloads the model and checks: the bias is b − t, every logit moved by −t, the whole network
 *    agrees with the head on cached embeddings (so the tower is unchanged), AUC unchanged.
 * 5. Writes a `calibration` section into metrics.json and the full before/after results to
 *    scripts/pretrain/results/calibration.json.
 *
 *   node scripts/pretrain/calibrate.mjs [--dir public/models/pretrained] [--lfw ../shared/data]
 *        [--min-photos 20] [--limit N] [--seed 42] [--target-far F] [--crop face|photo] [--dry-run] [--out FILE]
 *
 * Run it once on the uncalibrated export. Running it again re-fits on the shifted model (t ≈ 0)
 * and records that run as the calibration.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, dirname, resolve, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runnerImport } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: join(root, 'public/models/pretrained') },
    lfw: { type: 'string', default: join(root, '..', 'shared', 'data') },
    'min-photos': { type: 'string', default: '20' },
    limit: { type: 'string', default: '0' },
    seed: { type: 'string', default: '42' },
    'dry-run': { type: 'boolean', default: false },
    'target-far': { type: 'string' },
    crop: { type: 'string', default: 'face' },
    out: { type: 'string', default: join(here, 'results', 'calibration.json') },
  },
});
const dir = resolve(args.dir);
const lfwDir = join(args.lfw, 'lfw');
const metaDir = join(args.lfw, 'lfw-meta');
const minPhotos = Number(args['min-photos']);
const limit = Number(args.limit);
const seed = Number(args.seed);

const load = async (file) => (await runnerImport(join(root, file), { configFile: false, root, logLevel: 'error' })).module;
const lfw = await load('tools/lfw/index.ts');
const metrics = await load('tools/common/index.ts');
if (!lfw.isPhotoCrop(args.crop)) throw new Error(`--crop ${args.crop}: expected ${lfw.PHOTO_CROPS.join(' or ')}`);
const tf = await import('@tensorflow/tfjs');

const t0 = performance.now();
const log = (msg) => console.log(`[calibrate ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
const sigmoid = (z) => 1 / (1 + Math.exp(-z));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const maxAbs = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

await (await load('tools/common/node-backend.ts')).useWasmBackend();
// The pairs: all of both files (or a seeded subsample with --limit, for a quick check).
const train = await lfw.pairsFromFile(metaDir, lfw.PAIR_FILES.devTrain, { limit, seed }, 1);
const test = await lfw.pairsFromFile(metaDir, lfw.PAIR_FILES.devTest, { limit, seed }, 2);
const targets = (await lfw.planTargets(lfwDir, join(metaDir, 'people-dev-test.tsv'), minPhotos, 0)).map((t) => t.name);
const isTarget = new Set(targets);
const showsTarget = (r) => isTarget.has(lfw.personOf(r.left)) || isTarget.has(lfw.personOf(r.right));
log(
  `${train.rows.length} dev-train and ${test.rows.length} dev-test pairs; ${targets.length} target people (≥ ${minPhotos} photos): ${targets.join(', ')}`,
);

// 1. Score with the model as it is.
const net = await lfw.loadPairsNetwork(dir);
const cropper = await lfw.createPhotoCropper(args.crop);
const progress = (file) => (done, n) => (done % 400 < 16 || done === n) && log(`${file}: ${done}/${n} photos embedded`);
const trainScored = await lfw.scorePairs(net, lfwDir, train.rows, { onProgress: progress(train.info.file), cropper });
const testScored = await lfw.scorePairs(net, lfwDir, test.rows, { onProgress: progress(test.info.file), cropper });
const headBefore = await lfw.checkHead(net, lfwDir, testScored, 8, cropper);
log(`crop: ${lfw.describeCropper(cropper)}`);
if (!(headBefore.maxAbsDiff <= lfw.HEAD_TOLERANCE)) throw new Error(`head vs whole network: ${headBefore.maxAbsDiff}`);
const before = lfw.summarizeScored(trainScored, testScored, headBefore);

// 2. Calibration pairs and the rest (pairs showing a target person).
const calibIdx = test.rows.map((r, i) => (showsTarget(r) ? -1 : i)).filter((i) => i >= 0);
const heldIdx = test.rows.map((r, i) => (showsTarget(r) ? i : -1)).filter((i) => i >= 0);
const pick = (idx, values) => idx.map((i) => values[i]);
const calibRows = pick(calibIdx, test.rows);
const calibLogits = lfw.byClass(calibRows, pick(calibIdx, testScored.logits));

// 3. The logit threshold and the new bias.
const fit = metrics.bestAccuracyThreshold(calibLogits.genuine, calibLogits.impostor);
const cv = metrics.kFoldAccuracy(calibLogits.genuine, calibLogits.impostor, 10);
const targetFar = args['target-far'] === undefined ? null : Number(args['target-far']);
if (targetFar !== null && !(targetFar >= 0 && targetFar < 1))
  throw new Error(`--target-far ${args['target-far']}: expected a fraction in [0, 1)`);
/** The lowest logit threshold accepting (logit > threshold) at most `far` of the different-people pairs. */
const thresholdAtFar = (impostor, far) => {
  const desc = [...impostor].sort((a, b) => b - a);
  return desc[Math.min(desc.length - 1, Math.floor(far * desc.length))];
};
const operatingPoints = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1].map((far) => {
  const at = thresholdAtFar(calibLogits.impostor, far);
  return {
    target_far: far,
    logit_threshold: at,
    far: calibLogits.impostor.filter((z) => z > at).length / calibLogits.impostor.length,
    tpr: calibLogits.genuine.filter((z) => z > at).length / calibLogits.genuine.length,
  };
});
for (const p of operatingPoints)
  log(
    `calibration pairs: at FAR ≤ ${p.target_far}: logit ${p.logit_threshold.toFixed(3)}, FAR ${p.far.toFixed(4)}, TPR ${p.tpr.toFixed(4)}`,
  );
const t = targetFar === null ? fit.threshold : thresholdAtFar(calibLogits.impostor, targetFar);
const biasBefore = net.classifier.getWeights()[1].dataSync()[0];
log(
  `calibration: ${calibRows.length} pairs; best logit threshold t = ${t.toFixed(4)} (P = ${sigmoid(t).toFixed(4)}), accuracy there ${fit.accuracy.toFixed(4)} (fitted on these pairs), 10-fold ${cv.accuracy.toFixed(4)}; bias ${biasBefore.toFixed(6)} → ${(biasBefore - t).toFixed(6)}`,
);
lfw.disposeNetwork(net);

const modelJsonPath = join(dir, 'model.json');
const text = await readFile(modelJsonPath, 'utf8');
const { calibrateModelJson } = await load('scripts/pretrain/model-json.ts');
// Only the bias's quantization `min` moves (by −t); the total shift since training goes into
// model.json's userDefinedMetadata (tf.js keeps that field, beside any metadata the training run
// wrote): the app undoes it when it fine-tunes (src/model/pretrained.ts), so fine-tuning starts
// from the bias as trained and only "pretrained only" verification uses the calibrated one.
const { text: newText, quantization: q, byte, newMin } = calibrateModelJson(text, t, biasBefore);
const calibDir = args['dry-run'] ? join(tmpdir(), `calibrate-dry-run-${process.pid}`) : dir;
if (args['dry-run']) {
  // Reload from a scratch copy of model.json that points at the original weight files.
  await mkdir(calibDir, { recursive: true });
  const dry = JSON.parse(newText);
  for (const g of dry.weightsManifest) g.paths = g.paths.map((p) => relative(calibDir, join(dir, p)));
  await writeFile(join(calibDir, 'model.json'), JSON.stringify(dry));
} else {
  await writeFile(modelJsonPath, newText);
}
log(
  `${args['dry-run'] ? 'dry run: wrote ' + join(calibDir, 'model.json') : 'wrote ' + modelJsonPath}: classifier/bias quantization min ${q.min} → ${newMin} (byte ${byte}, scale ${q.scale})`,
);

// 4. Reload and check.
const net2 = await lfw.loadPairsNetwork(calibDir);
const biasAfter = net2.classifier.getWeights()[1].dataSync()[0];
const trainAfter = { ...trainScored, ...lfw.headScores(net2, trainScored.embeddings, trainScored.rows) };
const testAfter = { ...testScored, ...lfw.headScores(net2, testScored.embeddings, testScored.rows) };
const headAfter = await lfw.checkHead(net2, lfwDir, testAfter, 8, cropper);
const crop = lfw.cropInfo(cropper);
cropper.dispose();
lfw.disposeNetwork(net2);
const checks = {
  bias_error: Math.abs(biasAfter - (biasBefore - t)),
  max_logit_shift_error: maxAbs(
    testAfter.logits,
    testScored.logits.map((z) => z - t),
  ),
  max_score_error: maxAbs(
    testAfter.scores,
    testScored.logits.map((z) => sigmoid(z - t)),
  ),
  whole_network_vs_head_after: headAfter,
};
const after = lfw.summarizeScored(trainAfter, testAfter, headAfter);
const aucChange = Math.abs(after.model.devTestAuc - before.model.devTestAuc);
log(
  `reloaded: bias ${biasAfter.toFixed(6)}; checks ${JSON.stringify(checks)}; AUC ${before.model.devTestAuc.toFixed(6)} → ${after.model.devTestAuc.toFixed(6)}`,
);
const failures = [
  checks.bias_error > 1e-6 && 'bias',
  checks.max_logit_shift_error > 1e-4 && 'logit shift',
  checks.max_score_error > 1e-5 && 'scores',
  !(headAfter.maxAbsDiff <= lfw.HEAD_TOLERANCE) && 'whole network vs head',
  aucChange > 1e-4 && 'AUC',
].filter(Boolean);
if (failures.length > 0) throw new Error(`calibration check failed: ${failures.join(', ')}`);

// 5. Before/after on the calibration pairs, the held-out (target) pairs, and all dev-test pairs.
const groupStats = (idx, scored) => {
  const rows = pick(idx, scored.rows);
  const { genuine, impostor } = lfw.byClass(rows, pick(idx, scored.scores));
  return {
    n: rows.length,
    same: genuine.length,
    different: impostor.length,
    mean_score_same: genuine.length ? mean(genuine) : null,
    mean_score_different: impostor.length ? mean(impostor) : null,
    'acc_at_0.5': rows.length ? metrics.accuracyAt(genuine, impostor, 0.5) : null,
    far_at_0_5: impostor.length ? impostor.filter((s) => s > 0.5).length / impostor.length : null,
    frr_at_0_5: genuine.length ? genuine.filter((s) => !(s > 0.5)).length / genuine.length : null,
    auc: genuine.length && impostor.length ? metrics.rocAuc(genuine, impostor) : null,
  };
};
const all = test.rows.map((_, i) => i);
const stats = (scored) => ({
  calibration_pairs: groupStats(calibIdx, scored),
  target_pairs: groupStats(heldIdx, scored),
  all_dev_test_pairs: groupStats(all, scored),
});
// Measurements to 6 significant digits; the values that define the model edit in full.
const exact = new Set(['logit_threshold', 'before', 'after', 'quantization_min_before', 'quantization_min_after', 'scale']);
const roundAll = (o) => JSON.parse(JSON.stringify(o, (k, v) => (typeof v === 'number' && !exact.has(k) ? Number(v.toPrecision(6)) : v)));
const seconds = (performance.now() - t0) / 1000;
const calibration = {
  what:
    targetFar === null
      ? 'classifier bias shifted by -t so that output 0.5 is the logit threshold t with the best accuracy on the calibration pairs'
      : `classifier bias shifted by -t so that output 0.5 is the lowest logit threshold t accepting at most ${targetFar} of the calibration pairs of different people`,
  target_far: targetFar,
  crop,
  operating_points: operatingPoints,
  calibration_pairs: `pairs-dev-test.tsv pairs with no photo of an enrolment target (people-dev-test.tsv people with >= ${minPhotos} photos); the model never trained on any dev-test person`,
  not_calibrated_on: 'pairs-dev-train.tsv (people the model trained on: their threshold, 0.848, does not transfer)',
  excluded_targets: targets,
  n_pairs: {
    calibration: calibIdx.length,
    target: heldIdx.length,
    dev_train: train.rows.length,
    dev_test: test.rows.length,
    limit_per_file: limit,
  },
  logit_threshold: t,
  probability_threshold_before: sigmoid(t),
  calibration_accuracy_at_t: fit.accuracy,
  calibration_10fold_accuracy: cv.accuracy,
  calibration_10fold_std: cv.std,
  bias: { before: biasBefore, after: biasAfter, quantization_min_before: q.min, quantization_min_after: newMin, byte, scale: q.scale },
  checks: { ...checks, auc_before: before.model.devTestAuc, auc_after: after.model.devTestAuc },
  before: stats(testScored),
  after: stats(testAfter),
  dev_test: {
    auc: after.model.devTestAuc,
    acc_threshold_from_dev_train: {
      before: before.model.devTestAccuracy,
      after: after.model.devTestAccuracy,
      threshold_before: before.model.devTrainThreshold,
      threshold_after: after.model.devTrainThreshold,
      logit_threshold_before: before.model.devTrainLogitThreshold,
      logit_threshold_after: after.model.devTrainLogitThreshold,
    },
    acc_10fold: after.model.devTestTenFold.accuracy,
    acc_10fold_std: after.model.devTestTenFold.std,
    'acc_at_0.5': { before: before.model.devTestAccuracyAt05, after: after.model.devTestAccuracyAt05 },
    raw_pixels: {
      auc: after.pixels.devTestAuc,
      acc_threshold_from_dev_train: after.pixels.devTestAccuracy,
      acc_10fold: after.pixels.devTestTenFold.accuracy,
    },
  },
  dev_train: { 'acc_at_0.5': { before: before.model.devTrainAccuracyAt05, after: after.model.devTrainAccuracyAt05 } },
  backend: tf.getBackend(),
  seconds,
  command: `node scripts/pretrain/calibrate.mjs${limit ? ` --limit ${limit}` : ''}${targetFar === null ? '' : ` --target-far ${targetFar}`} --crop ${args.crop}`,
};
const files = {
  devTrain: { ...train.info, photos: trainScored.embeddings.size },
  devTest: { ...test.info, photos: testScored.embeddings.size },
};
const common = { files, crop, modelUrlOrDir: dir, backend: tf.getBackend(), seconds, limit, seed };
await mkdir(dirname(args.out), { recursive: true });
await writeFile(
  args.out,
  JSON.stringify(roundAll({ calibration, before: { ...before, ...common }, after: { ...after, ...common } }), null, 1) + '\n',
);
if (!args['dry-run']) {
  const metricsPath = join(dir, 'metrics.json');
  const metricsText = await readFile(metricsPath, 'utf8');
  const m = JSON.parse(metricsText);
  const section = JSON.stringify(roundAll(calibration), null, 1).replace(/\n/g, '\n ');
  // Append the section to the text as the training run wrote it (Python's number format kept);
  // a second run replaces its own section.
  await writeFile(
    metricsPath,
    m.calibration === undefined
      ? metricsText.replace(/\n?}\s*$/, `,\n "calibration": ${section}\n}`)
      : JSON.stringify({ ...m, calibration: roundAll(calibration) }, null, 1),
  );
}
log(
  `dev-test: AUC ${after.model.devTestAuc.toFixed(4)}; acc at 0.5 ${before.model.devTestAccuracyAt05.toFixed(4)} → ${after.model.devTestAccuracyAt05.toFixed(4)}; dev-train threshold ${after.model.devTestAccuracy.toFixed(4)}; 10-fold ${after.model.devTestTenFold.accuracy.toFixed(4)}`,
);
log(`wrote ${args.out}${args['dry-run'] ? '' : ` and the calibration section of ${join(dir, 'metrics.json')}`}`);
