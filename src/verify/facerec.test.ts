/**
 * Live verification with the face-recognition network, as the app runs it before any training:
 * the shipped backbone and pretrained head, the real face detector, LFW people the head never
 * saw (people-dev-test) in webcam-like frames. Each frame: detect → refine → align → one backbone
 * pass → the head against the cached verification descriptors.
 */
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { createStore } from 'idb-keyval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACE_CONFIG, DEFAULT_FACEREC_CONFIG, DEFAULT_VERIFY_CONFIG } from '../config';
import { createFaceDetector, type FaceDetector } from '../face';
import { createFaceDescriber, loadBackbone, type FaceDescriber } from '../facerec';
import { disposeNetwork, loadPretrained, type PixelData, type SiameseNetwork } from '../model';
import { useWasmBackend } from '../../tools/common/node-backend';
import { faceModelPath, fileModelHandler, lfwPath, readJpeg, readPeople, servePublic, webcamFrame } from '../../tools/lfw';
import { descriptorInput, verifyCropped } from './cropped';
import { FaceTracker } from './faceTracker';
import { createVerifier, type Verifier } from './verifier';

const served = servePublic('/app/');

/** Two people-dev-test people with at least 6 photos, in name order. */
const [personA, personB] = readPeople('people-dev-test.tsv')
  .filter((p) => p.images >= 6)
  .sort((a, b) => a.name.localeCompare(b.name))
  .slice(0, 2)
  .map((p) => p.name);

let detector: FaceDetector;
let backbone: tf.LayersModel;
let describer: FaceDescriber;
let net: SiameseNetwork;
let verifier: Verifier;

beforeAll(async () => {
  await useWasmBackend();
  detector = await createFaceDetector({ ...DEFAULT_FACE_CONFIG, model: fileModelHandler(faceModelPath('short')) });
  const store = createStore('facerec-verify-test', 'models');
  const b = await loadBackbone('/app/', { fetch: served, store });
  backbone = b.model;
  describer = createFaceDescriber({ backbone, backboneVersion: b.version, detector });
  net = (await loadPretrained('/app/', DEFAULT_FACEREC_CONFIG, { fetch: served, store })).net;
  verifier = createVerifier(net);
  // Verification images: person A's first three photos, described as stored captures are.
  const descriptors: Float32Array[] = [];
  for (const i of [1, 2, 3]) descriptors.push((await describer.describeStill(readJpeg(lfwPath(personA!, i)))).descriptor);
  const batch = tf.tensor2d(
    descriptors.flatMap((d) => [...d]),
    [3, 128],
  );
  verifier.setVerificationImages(batch);
  batch.dispose();
}, 120_000);

afterAll(() => {
  verifier.dispose();
  disposeNetwork(net);
  backbone.dispose();
  detector.dispose();
});

describe('live verification with the face-recognition network (pretrained head, people it never saw)', () => {
  it('grants the enrolled person and denies another, frame by frame, with no tensors left behind', async () => {
    const tracker = new FaceTracker({ detector });
    const input = descriptorInput(describer);
    const source = { mode: 'face', detect: (p: PixelData) => tracker.detect(p), refine: tracker.refine } as const;
    const verifyFrame = async (person: string, photo: number) => {
      const frame = webcamFrame(readJpeg(lfwPath(person, photo)));
      const verify = (t: tf.Tensor) => verifier.verify(t, DEFAULT_VERIFY_CONFIG);
      const out = await verifyCropped(frame, source, input, verify);
      expect(out.face?.crop).not.toBeNull();
      expect(out.refined).toBeNull();
      // Refined first (as for the liveness check): the same input, made without detecting twice.
      const refined = await verifyCropped(frame, source, input, verify, { refine: true });
      expect(refined.refined?.keypoints).toHaveLength(6);
      for (const [i, s] of refined.result!.scores.entries()) expect(s).toBeCloseTo(out.result!.scores[i]!, 5);
      return out.result!;
    };
    // One frame first, so that lazily created backend state is not counted as a leak.
    await verifyFrame(personA!, 4);
    const before = tf.memory().numTensors;
    const genuine = [];
    const impostor = [];
    for (const photo of [4, 5, 6]) {
      genuine.push(await verifyFrame(personA!, photo));
      impostor.push(await verifyFrame(personB!, photo));
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(genuine.every((d) => d.n === 3)).toBe(true);
    expect(genuine.filter((d) => d.granted).length).toBeGreaterThanOrEqual(2);
    expect(impostor.some((d) => d.granted)).toBe(false);
  }, 120_000);
});
