import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { createStore } from 'idb-keyval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACE_CONFIG } from '../config';
import { createFaceDetector, type FaceDetector } from '../face';
import { decodeJpeg } from '../../tools/codec';
import { useWasmBackend } from '../../tools/common/node-backend';
import { faceModelPath, fileModelHandler, lfwPath, servePublic, webcamFrame } from '../../tools/lfw';
import {
  backboneVersion,
  createDescriptorCache,
  createFaceDescriber,
  describeSamples,
  descriptorVersion,
  loadBackbone,
  type FaceDescriber,
} from './index';

const diskFetch = servePublic('/app/');

let detector: FaceDetector;
let backbone: tf.LayersModel;
let describer: FaceDescriber;
beforeAll(async () => {
  await useWasmBackend();
  detector = await createFaceDetector({ ...DEFAULT_FACE_CONFIG, model: fileModelHandler(faceModelPath(DEFAULT_FACE_CONFIG.variant)) });
  const b = await loadBackbone('/app/', { fetch: diskFetch, store: createStore('describer-test', 'models') });
  backbone = b.model;
  describer = createFaceDescriber({ backbone, backboneVersion: b.version, detector });
  // The cache's version is known from the manifest alone, before any weights load.
  expect(descriptorVersion(await backboneVersion('/app/', { fetch: diskFetch }))).toBe(describer.version);
}, 60_000);
afterAll(() => {
  backbone.dispose();
  detector.dispose();
});

const photo = (person: string, index: number) => decodeJpeg(new Uint8Array(readFileSync(lfwPath(person, index))), `${person}_${index}`);
const distance = (a: Float32Array, b: Float32Array) => Math.hypot(...a.map((v, i) => v - b[i]!));

/** A seeded pattern with no face in it. */
function pattern(): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(250 * 250 * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : (Math.imul(i, 2654435761) >>> 24) & 0xff;
  return { width: 250, height: 250, data };
}

describe('the face describer', () => {
  it('describes stored images: the same person close, another far, a faceless image by its centre; cached by id and version', async () => {
    const images: Record<string, { width: number; height: number; data: Uint8Array | Uint8ClampedArray }> = {
      a1: photo('Aaron_Peirsol', 1),
      a2: photo('Aaron_Peirsol', 2),
      b1: photo('Abdullah_Gul', 1),
      none: pattern(),
    };
    const samples = Object.keys(images).map((id) => ({ id }));
    const cache = createDescriptorCache(describer.version, createStore('descriptors-test', 'descriptors'));
    let described = 0;
    const counting: FaceDescriber = { ...describer, describeStill: (p) => (described++, describer.describeStill(p)) };
    const progress: number[] = [];
    const before = tf.memory().numTensors;
    const first = await describeSamples(samples, {
      describer: counting,
      cache,
      pixels: async (s) => images[s.id]!,
      onProgress: (done) => progress.push(done),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(first).not.toBeNull();
    const d = (id: string) => first!.descriptors.get(id)!.descriptor;
    expect(d('a1')).toHaveLength(128);
    expect(distance(d('a1'), d('a2'))).toBeLessThan(0.6);
    expect(distance(d('a1'), d('b1'))).toBeGreaterThan(0.6);
    expect(first!.noFace).toEqual(['none']);
    expect(first!.fromCache).toBe(0);
    expect(described).toBe(4);
    expect(progress).toEqual([0, 1, 2, 3, 4]);

    // Again: everything from the cache, the backbone not run.
    const again = await describeSamples(samples, { describer: counting, cache, pixels: async (s) => images[s.id]! });
    expect(described).toBe(4);
    expect(again!.fromCache).toBe(4);
    expect([...again!.descriptors.get('b1')!.descriptor]).toEqual([...d('b1')]);

    // Another version (another backbone or chip recipe) finds nothing; pruning for it removes ours.
    const other = createDescriptorCache('other-version', createStore('descriptors-test', 'descriptors'));
    expect((await other.get(['a1'])).size).toBe(0);
    await other.prune();
    expect((await cache.get(['a1', 'b1'])).size).toBe(0);
  }, 60_000);

  it('stops when asked, keeping what it described', async () => {
    const controller = new AbortController();
    const cache = createDescriptorCache(describer.version, createStore('descriptors-stop', 'descriptors'));
    const result = await describeSamples([{ id: 'x' }, { id: 'y' }], {
      describer,
      cache,
      signal: controller.signal,
      pixels: async () => photo('Abdullah_Gul', 2),
      onProgress: (done) => done === 1 && controller.abort(),
    });
    expect(result).toBeNull();
    expect([...(await cache.get(['x', 'y'])).keys()]).toEqual(['x']);
  }, 60_000);

  it('describes the face the live loop found in a camera frame as it describes the stored photo', async () => {
    const image = photo('Aaron_Peirsol', 3);
    const frame = webcamFrame(image);
    const [face] = await detector.detect(frame);
    expect(face).toBeDefined();
    const before = tf.memory().numTensors;
    const live = await describer.describeFace(frame, face!);
    expect(tf.memory().numTensors).toBe(before);
    const still = (await describer.describeStill(image)).descriptor;
    expect(distance(live, still)).toBeLessThan(0.15);
  }, 60_000);
});
