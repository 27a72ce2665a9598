/** tf.js models read from disk: the app's copy of the face detector, or any layers model folder. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { FaceDetectorVariant } from '../../src/config';
import { REPO_ROOT } from './paths';

/** The app's own copy of a detector's model.json (public/models/face-detector). */
export function faceModelPath(variant: FaceDetectorVariant): string {
  return join(REPO_ROOT, `public/models/face-detector/facemesh-detection-${variant}.json`);
}

/** An IOHandler reading a tfjs model.json and its weight files from disk. */
export function fileModelHandler(modelJsonPath: string): tf.io.IOHandler {
  const dir = dirname(modelJsonPath);
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = manifest.flatMap((group) =>
          group.paths.map((p) => {
            const b = readFileSync(join(dir, p));
            return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
          }),
        );
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/**
 * A fetch that serves the app's public/ folder under `baseUrl` (the app's origin in Node tests,
 * as `vite preview` serves it) and answers 404 for anything else.
 */
export function servePublic(baseUrl = '/app/'): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    const file = url.startsWith(baseUrl) ? join(REPO_ROOT, 'public', url.slice(baseUrl.length)) : null;
    return file && existsSync(file) ? new Response(readFileSync(file)) : new Response(null, { status: 404 });
  }) as typeof fetch;
}
