#!/usr/bin/env node
/**
 * Measures the BlazeFace detectors on LFW photos with the app's own detector code (src/face, loaded
 * through Vite's module runner) and prints the figures behind the face crop rule in src/config:
 *
 * - detection rate, scores and time per detect for the short- and full-range models, on raw LFW
 *   photos (250×250) and on webcam-like 640×480 frames (the photo centred on a grey background);
 * - the LFW face box statistics: median box side ((w + h) / 2) and centre, hence the margin factor
 *   250 / median side, and the offset of the photo centre from the face centre (box centre or
 *   keypoint centre, see faceCentre) in box sides, with its spread;
 * - a check of the rule: the crop square found in the webcam-like frames vs the pasted photo;
 * - the smallest faces each model finds: photos scaled to 100–320 px in a 640×480 frame.
 *
 * Usage: node scripts/measure-face-crop.mjs [--n 300] [--seed 1] [--backend cpu|wasm] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runnerImport } from 'vite';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'wasm' },
    json: { type: 'string' },
  },
});
const N = Number(args.n);
const SEED = Number(args.seed);

const load = async (id) => (await runnerImport(id, { logLevel: 'error', configFile: false })).module;
const face = await load('/src/face/index.ts');
const support = await load('/tools/lfw/index.ts');
const random = await load('/src/data/random.ts');
const config = await load('/src/config/index.ts');

await tf.setBackend(args.backend);
await tf.ready();

const LFW_SIDE = 250;
const THRESHOLD = config.DEFAULT_FACE_CONFIG.scoreThreshold;

const quantile = (xs, q) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
};
const median = (xs) => quantile(xs, 0.5);
const f = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

// One photo per person, the first, of people drawn with a seeded shuffle from the dev-train split.
const people = random.shuffled(support.readPeople('people-dev-train.tsv'), SEED).slice(0, N);
const photos = people.map((p) => ({ name: p.name, image: support.readJpeg(support.lfwPath(p.name, 1)) }));

const results = { backend: tf.getBackend(), n: photos.length, seed: SEED, threshold: THRESHOLD, variants: {} };
console.log(`tfjs backend ${tf.getBackend()}, ${photos.length} LFW photos (people-dev-train, seed ${SEED}), score threshold ${THRESHOLD}`);

for (const variant of ['short', 'full']) {
  // A low model threshold so that the score distribution below the app's threshold is visible too.
  const detector = await face.createFaceDetector({
    variant,
    model: support.fileModelHandler(support.faceModelPath(variant)),
    scoreThreshold: 0.05,
  });
  const warm = support.webcamFrame(photos[0].image);
  for (let i = 0; i < 3; i++) await detector.detect(warm);

  const stats = {};
  for (const setting of ['lfw', 'webcam']) {
    const ms = [];
    const scores = [];
    const best = [];
    let found = 0;
    let multiple = 0;
    const sides = [];
    const cx = [];
    const cy = [];
    const crop = { dx: [], dy: [], size: [], clamped: 0 };
    // Candidate face centres and scales, to see which follows the photo (its centre, its 250 side) best.
    const centres = { box: { x: [], y: [] }, keypoints: { x: [], y: [] } };
    const scales = { boxSide: [], eyeDistance: [], eyeToMouth: [] };
    for (const { image } of photos) {
      const frame = setting === 'lfw' ? image : support.webcamFrame(image);
      const t0 = performance.now();
      const faces = await detector.detect(frame);
      ms.push(performance.now() - t0);
      best.push(faces.length ? Math.max(...faces.map((x) => x.score)) : 0);
      const picked = face.largestFace(faces, THRESHOLD);
      if (!picked) continue;
      found++;
      if (picked.multiple) multiple++;
      scores.push(picked.face.score);
      const { box } = picked.face;
      const ox = (frame.width - image.width) / 2;
      const oy = (frame.height - image.height) / 2;
      sides.push(face.boxSide(box));
      const kp = Object.fromEntries(picked.face.keypoints.map((k) => [k.name, k]));
      const side = face.boxSide(box);
      for (const [name, c] of Object.entries(centres)) {
        const centre = face.faceCentre(picked.face, name);
        c.x.push((ox + image.width / 2 - centre.x) / side);
        c.y.push((oy + image.height / 2 - centre.y) / side);
      }
      const eyeMid = { x: (kp.rightEye.x + kp.leftEye.x) / 2, y: (kp.rightEye.y + kp.leftEye.y) / 2 };
      scales.boxSide.push(side);
      scales.eyeDistance.push(Math.hypot(kp.rightEye.x - kp.leftEye.x, kp.rightEye.y - kp.leftEye.y));
      scales.eyeToMouth.push(Math.hypot(eyeMid.x - kp.mouthCenter.x, eyeMid.y - kp.mouthCenter.y));
      cx.push(box.x + box.width / 2 - ox);
      cy.push(box.y + box.height / 2 - oy);
      if (setting === 'webcam') {
        const c = face.faceCrop(faces, frame.width, frame.height, { ...config.validateFaceConfig({ variant }), scoreThreshold: THRESHOLD });
        crop.dx.push(c.square.x + c.square.size / 2 - frame.width / 2);
        crop.dy.push(c.square.y + c.square.size / 2 - frame.height / 2);
        crop.size.push(c.square.size);
        if (c.square.clamped) crop.clamped++;
      }
    }
    const side = median(sides);
    stats[setting] = {
      detectionRate: found / photos.length,
      multiple,
      score: { median: median(scores), p10: quantile(scores, 0.1), min: Math.min(...scores) },
      bestScoreAnyThreshold: { median: median(best), p10: quantile(best, 0.1), min: Math.min(...best) },
      msPerDetect: { median: median(ms), mean: ms.reduce((a, b) => a + b, 0) / ms.length },
      boxSide: { median: side, p10: quantile(sides, 0.1), p90: quantile(sides, 0.9) },
      boxCentre: { x: median(cx), y: median(cy) },
      marginFactor: LFW_SIDE / side,
      // Spread of each candidate: median absolute deviation from its median, in pixels of the 250 photo
      // (centres: of the offset × the median side; scales: relative, × 250).
      centreSpread: Object.fromEntries(
        Object.entries(centres).map(([k, c]) => {
          const mad = (xs) => median(xs.map((v) => Math.abs(v - median(xs)))) * side;
          return [k, { offsetX: median(c.x), offsetY: median(c.y), madX: mad(c.x), madY: mad(c.y) }];
        }),
      ),
      scaleSpread: Object.fromEntries(
        Object.entries(scales).map(([k, xs]) => [
          k,
          { median: median(xs), mad250: (median(xs.map((v) => Math.abs(v - median(xs)))) / median(xs)) * LFW_SIDE },
        ]),
      ),
      ...(setting === 'webcam' && {
        cropVsPhoto: {
          medianAbsDx: median(crop.dx.map(Math.abs)),
          medianAbsDy: median(crop.dy.map(Math.abs)),
          medianSize: median(crop.size),
          sizeP10: quantile(crop.size, 0.1),
          sizeP90: quantile(crop.size, 0.9),
          clamped: crop.clamped,
        },
      }),
    };
  }
  // The smallest faces found: each photo scaled to a side of `side` px, centred in a 640×480 frame.
  stats.faceSize = [];
  for (const side of [100, 130, 160, 200, 250, 320]) {
    const some = photos.slice(0, Math.min(50, photos.length));
    let found = 0;
    for (const { image } of some) {
      const img = side === image.width ? image : support.resizeRgba(image, side);
      const frame = support.composeFrame(640, 480, 128, [{ image: img, x: Math.round((640 - side) / 2), y: Math.round((480 - side) / 2) }]);
      if (face.largestFace(await detector.detect(frame), THRESHOLD)) found++;
    }
    stats.faceSize.push({ photoSide: side, detectionRate: found / some.length, n: some.length });
  }
  detector.dispose();
  results.variants[variant] = stats;

  for (const [setting, s] of Object.entries(stats)) {
    if (setting === 'faceSize') continue;
    console.log(`\n${variant} range, ${setting === 'lfw' ? 'raw LFW photos 250×250' : 'webcam-like 640×480 frames'}:`);
    console.log(`  detected ${(100 * s.detectionRate).toFixed(1)}% (score ≥ ${THRESHOLD}), ${s.multiple} with several faces`);
    console.log(
      `  score of the face: median ${f(s.score.median)}, p10 ${f(s.score.p10)}, min ${f(s.score.min)}; best score at any threshold: p10 ${f(s.bestScoreAnyThreshold.p10)}, min ${f(s.bestScoreAnyThreshold.min)}`,
    );
    console.log(`  ${f(s.msPerDetect.median, 1)} ms per detect (median), ${f(s.msPerDetect.mean, 1)} ms mean`);
    console.log(
      `  box side median ${f(s.boxSide.median, 1)} px (p10 ${f(s.boxSide.p10, 1)}, p90 ${f(s.boxSide.p90, 1)}); box centre in the photo (${f(s.boxCentre.x, 1)}, ${f(s.boxCentre.y, 1)})`,
    );
    console.log(`  → marginFactor ${f(s.marginFactor, 4)} (250 / median box side)`);
    for (const [k, c] of Object.entries(s.centreSpread)) {
      console.log(
        `  centre '${k}': offset of the photo centre (${f(c.offsetX, 4)}, ${f(c.offsetY, 4)}) box sides, spread (MAD) ${f(c.madX, 1)} px in x, ${f(c.madY, 1)} px in y`,
      );
    }
    for (const [k, c] of Object.entries(s.scaleSpread))
      console.log(`  scale from ${k}: median ${f(c.median, 1)} px, spread (MAD) ${f(c.mad250, 1)} px of the 250 side`);
    if (s.cropVsPhoto) {
      const c = s.cropVsPhoto;
      console.log(
        `  crop rule (config for ${variant}) vs the pasted photo: median |dx| ${f(c.medianAbsDx, 1)} px, |dy| ${f(c.medianAbsDy, 1)} px, size median ${f(c.medianSize, 0)} (p10 ${f(c.sizeP10, 0)}, p90 ${f(c.sizeP90, 0)}), clamped ${c.clamped}`,
      );
    }
  }
}

for (const [variant, stats] of Object.entries(results.variants)) {
  const rows = stats.faceSize.map((r) => `${r.photoSide} px ${(100 * r.detectionRate).toFixed(0)}%`).join(', ');
  console.log(
    `\n${variant} range, photo scaled in a 640×480 frame (LFW face box ≈ 0.43 × the side), found: ${rows} (n ${stats.faceSize[0].n})`,
  );
}

if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
process.exit(0);
