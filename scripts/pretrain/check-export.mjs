#!/usr/bin/env node
/**
 * Checks a tf.js export written by pretrain_gpu.py: loads it with tf.loadLayersModel (L1Dist
 * registered by importing src/model), checks the parameter count, and compares tf.js's predictions
 * on probe.bin with those PyTorch recorded in metrics.json (fp32 run on the exported weights).
 * Optionally scores N dev-test pairs from the original LFW JPEGs (decoded with jpeg-js, resized
 * with tf.image.resizeBilinear, half-pixel centres) and reports their ROC AUC and accuracy.
 *
 *   node scripts/pretrain/check-export.mjs --dir public/models/pretrained [--tolerance 1e-4]
 *        [--pairs 200|979] [--backend wasm|cpu] [--probe path/to/probe.bin]
 *
 * Exits 1 when a prediction differs by more than the tolerance or the model does not load.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { runnerImport } from 'vite';
import jpeg from 'jpeg-js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: join(root, 'public/models/pretrained') },
    tolerance: { type: 'string', default: '1e-4' },
    pairs: { type: 'string', default: '0' },
    backend: { type: 'string', default: 'wasm' },
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
const left = tf.tidy(() => tf.gather(images, probe.pairs.map((p) => p[0])));
const right = tf.tidy(() => tf.gather(images, probe.pairs.map((p) => p[1])));
const scores = Array.from((await net.predict([left, right]).data()));
const emb = net.getLayer(model.LAYER_NAMES.embedding).predict(images);
const embFirst = (await emb.array()).map((row) => row.slice(0, 8));
tf.dispose([left, right, emb]);
const tol = Number(args.tolerance);
const maxDiff = (a, b) => Math.max(...a.flat().map((v, i) => Math.abs(v - b.flat()[i])));
const dScore = maxDiff(scores, probe.export_scores);
const dEmb = maxDiff(embFirst, probe.export_embedding_first8);
const dFp32 = maxDiff(scores, probe.fp32_scores);
console.log(`probe: ${scores.length} pairs; max |tf.js − torch| score ${dScore.toExponential(2)}, embedding ${dEmb.toExponential(2)} (tolerance ${tol}); vs unquantized torch ${dFp32.toExponential(2)}`);
console.log(`  tf.js scores  ${scores.map((s) => s.toFixed(5)).join(' ')}`);
console.log(`  torch scores  ${probe.export_scores.map((s) => s.toFixed(5)).join(' ')}`);
if (!(dScore <= tol && dEmb <= tol)) {
  failed = true;
  console.error('MISMATCH between tf.js and PyTorch');
}

// 2. optional: dev-test pairs from the original JPEGs, the app's preprocessing
const nPairs = Number(args.pairs);
if (nPairs > 0) {
  const text = await readFile(join(args.lfw, 'lfw-meta', 'pairs-dev-test.tsv'), 'utf8');
  const rows = text.trim().split('\n').slice(1).map((l) => l.split('\t'));
  const pos = rows.filter((r) => r[2] === '1');
  const neg = rows.filter((r) => r[2] === '0');
  const take = (arr, k) => arr.filter((_, i) => i % Math.max(1, Math.floor(arr.length / k)) === 0).slice(0, k);
  const chosen = nPairs >= rows.length ? rows : [...take(pos, Math.floor(nPairs / 2)), ...take(neg, nPairs - Math.floor(nPairs / 2))];
  const paths = [...new Set(chosen.flatMap((r) => [r[0], r[1]]))];
  const embed = new Map();
  const t0 = Date.now();
  for (let i = 0; i < paths.length; i += 16) {
    const batch = paths.slice(i, i + 16);
    const x = tf.tidy(() =>
      tf.stack(
        batch.map((p) => {
          const raw = jpeg.decode(readFileSync(join(args.lfw, 'lfw', p)), { useTArray: true });
          const img = tf.tensor3d(raw.data, [raw.height, raw.width, 4], 'int32').slice([0, 0, 0], [raw.height, raw.width, 3]).toFloat();
          return tf.image.resizeBilinear(img, [h, w], false, true).div(255);
        }),
      ),
    );
    const e = net.getLayer(model.LAYER_NAMES.embedding).predict(x);
    const arr = await e.array();
    batch.forEach((p, j) => embed.set(p, arr[j]));
    tf.dispose([x, e]);
  }
  const classifier = net.getLayer(model.LAYER_NAMES.classifier);
  const [kernel, bias] = classifier.getWeights().map((t) => t.dataSync());
  const score = (a, b) => {
    let z = bias[0];
    for (let k = 0; k < a.length; k++) z += kernel[k] * Math.abs(a[k] - b[k]);
    return 1 / (1 + Math.exp(-z));
  };
  const s = chosen.map((r) => score(embed.get(r[0]), embed.get(r[1])));
  const y = chosen.map((r) => r[2] === '1');
  let auc = 0;
  for (let i = 0; i < s.length; i++) for (let j = 0; j < s.length; j++) if (y[i] && !y[j]) auc += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
  const nPos = y.filter(Boolean).length;
  auc /= nPos * (y.length - nPos);
  const t = metrics[`export_${metrics.export.dtype}`].threshold_from_dev_train;
  const acc = s.filter((v, i) => (v > t) === y[i]).length / s.length;
  const acc05 = s.filter((v, i) => (v > 0.5) === y[i]).length / s.length;
  // The device's threshold comes from pairs-dev-train, i.e. from photos the model was trained on;
  // a threshold fitted on 9/10 of these unseen-people pairs and applied to the other tenth (10-fold,
  // stratified: each class dealt round the folds in file order, as pretrain_gpu.py's cv_accuracy)
  // estimates the accuracy of a threshold calibrated on people the model never saw.
  const bestThreshold = (idx) => {
    const cand = [...new Set(idx.map((i) => s[i]))].sort((a, b) => a - b);
    let best = { acc: -1, t: 0.5 };
    for (let k = -1; k < cand.length; k++) {
      const t = k < 0 ? cand[0] - 1e-9 : k + 1 < cand.length ? (cand[k] + cand[k + 1]) / 2 : cand[k] + 1e-9;
      const acc = idx.filter((i) => (s[i] > t) === y[i]).length / idx.length;
      if (acc > best.acc) best = { acc, t };
    }
    return best;
  };
  const all = s.map((_, i) => i);
  const seen = { true: 0, false: 0 };
  const fold = y.map((label) => seen[label]++ % 10);
  let cvCorrect = 0;
  const cvThresholds = [];
  for (let f = 0; f < 10; f++) {
    const test = all.filter((i) => fold[i] === f);
    const { t: tf_ } = bestThreshold(all.filter((i) => fold[i] !== f));
    cvThresholds.push(tf_);
    cvCorrect += test.filter((i) => (s[i] > tf_) === y[i]).length;
  }
  const oracle = bestThreshold(all);
  console.log(`  10-fold threshold on these unseen-people pairs: acc ${(cvCorrect / s.length).toFixed(4)} (thresholds ${Math.min(...cvThresholds).toFixed(4)}..${Math.max(...cvThresholds).toFixed(4)}); best single threshold ${oracle.t.toFixed(4)} gives ${oracle.acc.toFixed(4)} (optimistic)`);
  console.log(`dev-test subset: ${chosen.length} pairs (${nPos} same), ${paths.length} photos in ${((Date.now() - t0) / 1000).toFixed(0)}s: AUC ${auc.toFixed(4)}, acc ${acc.toFixed(4)} at the device's threshold ${t.toFixed(4)}, acc ${acc05.toFixed(4)} at 0.5`);
}

images.dispose();
net.dispose();
process.exit(failed ? 1 : 0);
