import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import { afterAll, beforeAll, describe as suite, expect, it } from 'vitest';
import { cropResizeBilinear, decodeJpeg } from '../../tools/codec';
import { useWasmBackend } from '../../tools/common/node-backend';
import { LFW_DIR, REPO_ROOT } from '../../tools/lfw';
import { buildBackbone, describe, parseWeightsManifest, setFaceApiWeights, type Chip } from './index';

/**
 * Our layers-model backbone against @vladmandic/face-api's own FaceRecognitionNet (its
 * esm-nobundle build, which runs on our tf.js engine), both loaded from the weight files we ship.
 */
const DIR = path.join(REPO_ROOT, 'public/models/face-recognition');
const manifestJson: unknown = JSON.parse(readFileSync(path.join(DIR, 'face_recognition_model-weights_manifest.json'), 'utf8'));
const bin = readFileSync(path.join(DIR, 'face_recognition_model.bin'));
const weights = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
const manifest = parseWeightsManifest(manifestJson, 'manifest');

/** Six LFW photos; two 150×150 chips of each: its central 150 px, and a 200-px square resized. */
const PHOTOS = [
  'Aaron_Peirsol/Aaron_Peirsol_0001.jpg',
  'Abdullah_Gul/Abdullah_Gul_0013.jpg',
  'AJ_Cook/AJ_Cook_0001.jpg',
  'Tony_Blair/Tony_Blair_0001.jpg',
  'Hugo_Chavez/Hugo_Chavez_0001.jpg',
  'Abdullatif_Sener/Abdullatif_Sener_0001.jpg',
];
function chips(): Chip[] {
  return PHOTOS.flatMap((p, i) => {
    const img = decodeJpeg(new Uint8Array(readFileSync(path.join(LFW_DIR, p))), p);
    // The central 150 px (an exact copy), and a 200-px square resized to 150.
    return [
      cropResizeBilinear(img, { x: 50, y: 50, size: 150 }, 150),
      cropResizeBilinear(img, { x: 25 + (i % 3) * 10, y: 25, size: 200 }, 150),
    ];
  });
}

let backbone: tf.LayersModel;

beforeAll(async () => {
  await useWasmBackend();
  backbone = buildBackbone();
  setFaceApiWeights(backbone, manifest.specs, weights);
});
afterAll(() => backbone.dispose());

suite('the face-recognition backbone', () => {
  it('has the architecture face-api defines: 150×150×3 → 128, its 6.4 MB of weights, 5.6 M parameters', () => {
    expect(backbone.inputs[0]!.shape).toEqual([null, 150, 150, 3]);
    expect(backbone.outputs[0]!.shape).toEqual([null, 128]);
    expect(backbone.countParams()).toBe(manifest.specs.reduce((s, w) => s + tf.util.sizeFromShape(w.shape), 0));
    expect(backbone.getLayer('conv256_down_out_add').outputShape).toEqual([null, 2, 2, 256]);
    expect(backbone.getLayer('conv256_down_pad').outputShape).toEqual([null, 4, 4, 256]);
    expect(backbone.getLayer('conv256_down_out_pad').outputShape).toEqual([null, 2, 2, 256]);
    expect(backbone.getLayer('conv64_down_widen').outputShape).toEqual([null, 17, 17, 64]);
  });

  it("gives face-api's own descriptors (max abs difference ≤ 1e-4) on LFW photos", async () => {
    const net = new faceapi.FaceRecognitionNet();
    const map = faceapi.tf.io.decodeWeights(weights, manifest.specs);
    net.loadFromWeightMap(map);
    const cs = chips();
    const ours = await describe(backbone, cs);
    let maxDiff = 0;
    for (const [i, c] of cs.entries()) {
      const rgb = new Float32Array(150 * 150 * 3);
      for (let p = 0; p < 150 * 150; p++) for (let k = 0; k < 3; k++) rgb[p * 3 + k] = c.data[p * 4 + k]!;
      const input = faceapi.tf.tensor3d(rgb, [150, 150, 3]);
      const theirs = (await net.computeFaceDescriptor(input)) as Float32Array;
      input.dispose();
      expect(theirs.length).toBe(128);
      for (let k = 0; k < 128; k++) maxDiff = Math.max(maxDiff, Math.abs(theirs[k]! - ours[i]![k]!));
    }
    net.dispose();
    console.log(`max |ours − face-api| over ${cs.length} chips × 128: ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
  });

  it('describes a batch as it describes each chip, and leaves no tensors', async () => {
    const cs = chips().slice(0, 4);
    await describe(backbone, cs.slice(0, 1)); // first call builds the kernels
    const before = tf.memory().numTensors;
    const batch = await describe(backbone, cs);
    const single = await describe(backbone, cs.slice(2, 3));
    expect(tf.memory().numTensors).toBe(before);
    for (let k = 0; k < 128; k++) expect(Math.abs(batch[2]![k]! - single[0]![k]!)).toBeLessThan(1e-5);
    await expect(describe(backbone, [{ width: 100, height: 100, data: new Uint8Array(100 * 100 * 4) }])).rejects.toMatchObject({
      code: 'bad-chip',
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saves and loads back as a layers model with the same outputs', async () => {
    let saved: tf.io.ModelArtifacts | undefined;
    await backbone.save(
      tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const cs = chips().slice(0, 2);
    const [a, b] = [await describe(backbone, cs), await describe(loaded, cs)];
    loaded.dispose();
    for (let i = 0; i < 2; i++) for (let k = 0; k < 128; k++) expect(b[i]![k]).toBe(a[i]![k]);
  });

  it('rejects weight files that do not fit', () => {
    const model = buildBackbone();
    try {
      expect(() => setFaceApiWeights(model, manifest.specs, weights.slice(0, 1000))).toThrow(expect.objectContaining({ code: 'corrupt' }));
      const renamed = manifest.specs.map((s) => (s.name === 'fc' ? { ...s, name: 'conv32_1/conv1/conv/wrong' } : s));
      expect(() => setFaceApiWeights(model, renamed, weights)).toThrow(expect.objectContaining({ code: 'wrong-architecture' }));
      expect(() => parseWeightsManifest({ weights: [] }, 'x')).toThrow(expect.objectContaining({ code: 'not-a-manifest' }));
    } finally {
      model.dispose();
    }
  });
});
