#!/usr/bin/env node
/**
 * Checks a tf.js export written by pretrain_gpu.py: loads it with tf.loadLayersModel (L1Dist
 * registered by importing src/model), checks the parameter count, and compares tf.js's predictions
 * on probe.bin with those PyTorch recorded in metrics.json (fp32 run on the exported weights).
 * Optionally scores N dev-test pairs from the original LFW JPEGs (tools/lfw/pairs.ts: jpeg-js, the
 * crop --crop names (tools/lfw/crop.ts: the app's face crop by default, or the whole photo),
 * the app's preprocess; a seeded subsample for N < 979) and reports their ROC AUC and accuracy. The
 * expected probe scores account for the bias shift of calibrate.mjs (model.json's
 * userDefinedMetadata.calibration.biasShift, the total of every calibration run).
 *
 *   node scripts/pretrain/check-export.mjs --dir public/models/pretrained [--tolerance 1e-4]
 *        [--pairs 200|979] [--crop face|photo] [--backend wasm|cpu] [--probe path/to/probe.bin]
 *
 * Exits 1 when a prediction differs by more than the tolerance or the model does not load.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { runnerImport } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: join(root, 'public/models/pretrained') },
    tolerance: { type: 'string', default: '1e-4' },
    pairs: { type: 'string', default: '0' },
    backend: { type: 'string', default: 'wasm' },
    crop: { type: 'string', default: 'face' },
    lfw: { type: 'string', default: join(root, '..', 'shared', 'data') },
    // probe.bin: the device writes it beside model.json; the shipped copy lives in results/ so it
    // is not deployed with the app.
    probe: { type: 'string' },
  },
});

const tf = await import('@tensorflow/tfjs');
if (args.backend === 'wasm') {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
}
await tf.setBackend(args.backend);
await tf.ready();
const { module: model } = await runnerImport(join(root, 'src/model/index.ts'), { root, logLevel: 'error' });
const { module: config } = await runnerImport(join(root, 'src/config/index.ts'), { root, logLevel: 'error' });
if (!tf.serialization.SerializationMap.getMap().classNameMap[model.L1Dist.className]) {
  throw new Error('L1Dist is not registered with this tf.js instance');
}

/** IOHandler reading model.json and its shards from disk. */
function fileHandler(dir) {
  return {
    async load() {
      const mj = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      const weightSpecs = [];
      const buffers = [];
      for (const group of mj.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const p of group.paths) buffers.push(await readFile(join(dir, p)));
      }
      const all = Buffer.concat(buffers);
      return {
        modelTopology: mj.modelTopology,
        weightSpecs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        format: mj.format,
        generatedBy: mj.generatedBy,
        convertedBy: mj.convertedBy,
      };
    },
  };
}

const metrics = JSON.parse(await readFile(join(args.dir, 'metrics.json'), 'utf8'));
const net = await tf.loadLayersModel(fileHandler(args.dir));
const wrapped = model.wrapSiamese(net, config.DEFAULT_MODEL_CONFIG);
const params = net.countParams();
console.log(`loaded ${args.dir} on ${tf.getBackend()}: ${params} parameters, quantization ${metrics.export.dtype}`);
let failed = params !== config.REFERENCE_PARAMS.total;
if (failed) console.error(`expected ${config.REFERENCE_PARAMS.total} parameters`);

// 1. probe: tf.js vs the PyTorch scores of the exported (dequantized) weights
const probe = metrics.probe;
const probePath = args.probe ?? (existsSync(join(args.dir, probe.file)) ? join(args.dir, probe.file) : join(here, 'results', probe.file));
const bytes = await readFile(probePath);
const [n, h, w, c] = probe.shape;
const images = tf.tidy(() => tf.tensor4d(new Uint8Array(bytes), [n, h, w, c], 'int32').toFloat().div(255));
const left = tf.tidy(() =>
  tf.gather(
    images,
    probe.pairs.map((p) => p[0]),
  ),
);
const right = tf.tidy(() =>
  tf.gather(
    images,
    probe.pairs.map((p) => p[1]),
  ),
);
const scores = Array.from(await net.predict([left, right]).data());
const emb = net.getLayer(model.LAYER_NAMES.embedding).predict(images);
const embFirst = (await emb.array()).map((row) => row.slice(0, 8));
tf.dispose([left, right, emb]);
const tol = Number(args.tolerance);
const maxDiff = (a, b) => Math.max(...a.flat().map((v, i) => Math.abs(v - b.flat()[i])));
// scripts/pretrain/calibrate.mjs shifted the classifier bias by −t after PyTorch recorded its
// scores: a recorded score s becomes sigmoid(logit(s) − t).
const modelJson = JSON.parse(await readFile(join(args.dir, 'model.json'), 'utf8'));
const shift = -(modelJson.userDefinedMetadata?.calibration?.biasShift ?? 0);
const calibrated = (p) => 1 / (1 + Math.exp(-(Math.log(p / (1 - p)) - shift)));
const expected = probe.export_scores.map(calibrated);
const dScore = maxDiff(scores, expected);
const dEmb = maxDiff(embFirst, probe.export_embedding_first8);
const dFp32 = maxDiff(scores, probe.fp32_scores.map(calibrated));
console.log(
  `probe: ${scores.length} pairs; max |tf.js − torch| score ${dScore.toExponential(2)}, embedding ${dEmb.toExponential(2)} (tolerance ${tol}); vs unquantized torch ${dFp32.toExponential(2)}`,
);
console.log(`  tf.js scores  ${scores.map((s) => s.toFixed(5)).join(' ')}`);
console.log(
  `  torch scores  ${expected.map((s) => s.toFixed(5)).join(' ')}${shift ? ` (recorded before calibration, shifted by logit ${(-shift).toFixed(4)})` : ''}`,
);
if (!(dScore <= tol && dEmb <= tol)) {
  failed = true;
  console.error('MISMATCH between tf.js and PyTorch');
}

// 2. optional: dev-test pairs from the original JPEGs, the app's preprocessing (tools/lfw/pairs.ts:
// cached embeddings and the model's head; metrics from tools/common/index.ts)
const nPairs = Number(args.pairs);
if (nPairs > 0) {
  const { module: lfw } = await runnerImport(join(root, 'tools/lfw/index.ts'), { root, logLevel: 'error' });
  const { module: m } = await runnerImport(join(root, 'tools/common/index.ts'), { root, logLevel: 'error' });
  const { rows } = await lfw.pairsFromFile(
    join(args.lfw, 'lfw-meta'),
    lfw.PAIR_FILES.devTest,
    { limit: nPairs >= 979 ? 0 : nPairs, seed: 42 },
    2,
  );
  const t0 = Date.now();
  if (!lfw.isPhotoCrop(args.crop)) throw new Error(`--crop ${args.crop}: expected ${lfw.PHOTO_CROPS.join(' or ')}`);
  const cropper = await lfw.createPhotoCropper(args.crop);
  const scored = await lfw.scorePairs(wrapped, join(args.lfw, 'lfw'), rows, { cropper });
  console.log(`  crop: ${lfw.describeCropper(cropper)}`);
  cropper.dispose();
  const { genuine, impostor } = lfw.byClass(rows, scored.scores);
  const t = calibrated(metrics[`export_${metrics.export.dtype}`].threshold_from_dev_train);
  // The device's threshold comes from pairs-dev-train, i.e. from photos the model was trained on;
  // a threshold fitted on 9/10 of these unseen-people pairs and applied to the other tenth (10-fold)
  // estimates the accuracy of a threshold calibrated on people the model never saw.
  const cv = m.kFoldAccuracy(genuine, impostor, 10);
  const oracle = m.bestAccuracyThreshold(genuine, impostor);
  console.log(
    `  10-fold threshold on these unseen-people pairs: acc ${cv.accuracy.toFixed(4)} (thresholds ${Math.min(...cv.thresholds).toFixed(4)}..${Math.max(...cv.thresholds).toFixed(4)}); best single threshold ${oracle.threshold.toFixed(4)} gives ${oracle.accuracy.toFixed(4)} (optimistic)`,
  );
  console.log(
    `dev-test subset: ${rows.length} pairs (${genuine.length} same), ${scored.embeddings.size} photos in ${((Date.now() - t0) / 1000).toFixed(0)}s: AUC ${m.rocAuc(genuine, impostor).toFixed(4)}, acc ${m.accuracyAt(genuine, impostor, t).toFixed(4)} at the device's threshold ${t.toPrecision(6)}, acc ${m.accuracyAt(genuine, impostor, 0.5).toFixed(4)} at 0.5`,
  );
}

images.dispose();
net.dispose();
process.exit(failed ? 1 : 0);
