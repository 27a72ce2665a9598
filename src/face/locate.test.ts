/**
 * locateFace, the face crop of a still image (imports, the bundled negative pack), on real LFW
 * photos with the app's short-range detector, on the wasm backend.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACE_CONFIG } from '../config';
import { locatingCodec, shuffled, readTar } from '../data';
import { createNodeSquareCodec } from '../../tools/codec';
import { createFaceDetector, type FaceDetector } from './detector';
import { locateFace, LOCATE_FRAME } from './locate';
import { composeFrame, faceModelPath, fileModelHandler, LFW_DIR, lfwPath, readJpeg, readPeople, REPO_ROOT } from '../../tools/lfw';

let detector: FaceDetector;

beforeAll(async () => {
  await tf.setBackend('wasm');
  detector = await createFaceDetector({ model: fileModelHandler(faceModelPath('short')) });
});
afterAll(() => detector.dispose());

/** Six LFW photos of different people from the training split, drawn with a fixed seed. */
const photos = shuffled(readPeople('people-dev-train.tsv'), 11)
  .slice(0, 6)
  .map((p) => ({ name: p.name, image: readJpeg(lfwPath(p.name, 1)) }));

describe('locateFace', () => {
  it('finds the face of LFW photos: a square about the whole photo, inside it, with no tensor left over', async () => {
    const before = tf.memory().numTensors;
    for (const { name, image } of photos) {
      const crop = await locateFace(detector, image);
      expect(crop, name).not.toBeNull();
      const { x, y, size } = crop!.square;
      expect(crop!.face.score, name).toBeGreaterThanOrEqual(DEFAULT_FACE_CONFIG.scoreThreshold);
      // Inside the photo (never across the grey it was pasted on), close to all of it.
      expect(x, name).toBeGreaterThanOrEqual(0);
      expect(y, name).toBeGreaterThanOrEqual(0);
      expect(x + size, name).toBeLessThanOrEqual(250);
      expect(y + size, name).toBeLessThanOrEqual(250);
      expect(size, name).toBeGreaterThanOrEqual(200);
      // The face in photo coordinates: its box within the photo, around the middle.
      const { box } = crop!.face;
      expect(Math.hypot(box.x + box.width / 2 - 125, box.y + box.height / 2 - 125), name).toBeLessThan(30);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('sees a small photo as the crop rule was measured: pasted in a grey 640×480 frame', async () => {
    const { image } = photos[0]!;
    const framed = composeFrame(LOCATE_FRAME.width, LOCATE_FRAME.height, LOCATE_FRAME.grey, [{ image, x: 195, y: 115 }]);
    const inFrame = await detector.detect(framed);
    const crop = await locateFace(detector, image);
    expect(crop!.face.box.x).toBeCloseTo(inFrame[0]!.box.x - 195, 3);
    expect(crop!.face.box.width).toBeCloseTo(inFrame[0]!.box.width, 3);
    // A tensor gives the same answer as RGBA bytes.
    const t = tf.tensor3d(Int32Array.from(image.data), [250, 250, 4], 'int32');
    const fromTensor = await locateFace(detector, t);
    t.dispose();
    expect(fromTensor!.square).toEqual(crop!.square);
  });

  it('detects an image larger than the frame as it is, in its own coordinates', async () => {
    const { image } = photos[1]!;
    const big = composeFrame(900, 700, 90, [{ image, x: 500, y: 60 }]);
    const crop = await locateFace(detector, big);
    expect(crop).not.toBeNull();
    const { x, y, size, clamped } = crop!.square;
    expect(clamped).toBe(false);
    expect(Math.hypot(x + size / 2 - 625, y + size / 2 - 185)).toBeLessThan(20);
    // A smaller face in the detector's 128×128 input (900 px → 128) gets a looser box: within 25%.
    expect(Math.abs(size - 250)).toBeLessThan(63);
  });

  it('returns null for blank images (small and large)', async () => {
    const before = tf.memory().numTensors;
    expect(await locateFace(detector, composeFrame(250, 250, 128, []))).toBeNull();
    expect(await locateFace(detector, composeFrame(300, 200, 20, []))).toBeNull();
    expect(await locateFace(detector, composeFrame(800, 600, 200, []))).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reproduces the bundled negative pack: the same crop, byte for byte', async () => {
    const packDir = join(REPO_ROOT, 'public/negatives');
    const manifest = JSON.parse(readFileSync(join(packDir, 'manifest.json'), 'utf8')) as {
      file: string;
      imageSize: number;
      jpegQuality: number;
      skippedFiles: string[];
    };
    const codec = locatingCodec(
      createNodeSquareCodec({ maxSize: manifest.imageSize, quality: manifest.jpegQuality }),
      async (image) => (await locateFace(detector, image))?.square ?? null,
    );
    const stream = Readable.toWeb(createReadStream(join(packDir, manifest.file))) as ReadableStream<Uint8Array>;
    let checked = 0;
    for await (const member of readTar(stream, { name: manifest.file })) {
      if (checked++ % 300 !== 0) continue; // members 0, 300, 600, 900
      const source = new Uint8Array(readFileSync(join(LFW_DIR, '..', member.path)));
      const again = await codec.decodeCropEncode(source, member.path);
      expect(again, member.path).not.toBeNull();
      expect(Buffer.from(await again!.blob.arrayBuffer()).equals(Buffer.from(member.data)), member.path).toBe(true);
    }
    expect(checked).toBeGreaterThan(900);
    // And the photos it skipped have no face for the import rule either.
    for (const skipped of manifest.skippedFiles)
      expect(await codec.decodeCropEncode(new Uint8Array(readFileSync(join(LFW_DIR, '..', skipped))), skipped), skipped).toBeNull();
  });
});
