import * as tf from '@tensorflow/tfjs';
import { inputShape, type SiameseNetwork } from '../model';
import { decide, type Decision, type Thresholds } from './decision';

/**
 * Verification with cached embeddings. The reference notebook ran the whole Siamese network once
 * per verification image (N forward passes of both towers for every frame). The tower does not
 * depend on the pair, so here the verification images are embedded once, and each frame costs one
 * tower pass plus |e_frame − e_i| and the Dense head against all N cached embeddings in one batched
 * op. The scores equal `net.model.predict([frame × N, images])` (verifier.test.ts checks it).
 */

export type VerifyErrorCode = 'bad-images' | 'bad-frame' | 'disposed';

export class VerifyError extends Error {
  constructor(
    readonly code: VerifyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VerifyError';
  }
}

export interface Verifier {
  /**
   * Embeds the verification images' network inputs (reference network: images [N, s, s, 3] in
   * [0, 1], preprocessed like training images; face-recognition network: their face descriptors
   * [N, 128]) and caches the embeddings, replacing (and disposing) the previous ones. The caller
   * keeps ownership of `images`; N = 0 is allowed (then nothing is ever granted).
   */
  setVerificationImages(images: tf.Tensor): void;
  /** Scores one frame's network input ([s, s, 3] or [128]) against every cached embedding and decides. */
  verify(frame: tf.Tensor, thresholds: Thresholds): Promise<Decision>;
  /** Number of cached verification embeddings (N). */
  readonly count: number;
  /** Frees the cached embeddings (not the network). The verifier cannot be used afterwards. */
  dispose(): void;
}

export interface VerifierOptions {
  /** Images embedded per forward pass in `setVerificationImages` (bounds peak memory). Default 32. */
  readonly batchSize?: number;
}

export function createVerifier(net: SiameseNetwork, options: VerifierOptions = {}): Verifier {
  const batchSize = options.batchSize ?? 32;
  const shape = inputShape(net.config);
  const embeddingSize = net.embedding.outputs[0]!.shape[1] as number;
  let cached: tf.Tensor2D | null = null;
  let disposed = false;

  const alive = (what: string) => {
    if (disposed) throw new VerifyError('disposed', `${what}: this verifier was disposed`);
  };
  /** `expected` uses -1 for "any size". */
  const checkShape = (shape: readonly number[], expected: readonly number[], code: VerifyErrorCode, what: string) => {
    if (shape.length !== expected.length || shape.some((d, i) => expected[i] !== -1 && d !== expected[i])) {
      throw new VerifyError(
        code,
        `${what} has shape [${shape.join(', ')}]; expected [${expected.map((d) => (d === -1 ? 'N' : d)).join(', ')}] for this model`,
      );
    }
  };

  return {
    setVerificationImages(images) {
      alive('setVerificationImages');
      checkShape(images.shape, [-1, ...shape], 'bad-images', 'The verification image batch');
      const next = tf.tidy(() => {
        const n = images.shape[0]!;
        if (n === 0) return tf.zeros([0, embeddingSize]) as tf.Tensor2D;
        const parts: tf.Tensor2D[] = [];
        for (let start = 0; start < n; start += batchSize) {
          const batch = tf.slice(images, [start, ...shape.map(() => 0)], [Math.min(batchSize, n - start), ...shape]);
          parts.push(net.embedding.predict(batch) as tf.Tensor2D);
        }
        return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
      });
      cached?.dispose();
      cached = next;
    },

    async verify(frame, thresholds) {
      alive('verify');
      checkShape(frame.shape, shape, 'bad-frame', 'The frame');
      if (cached === null || cached.shape[0] === 0) return decide([], thresholds);
      const embeddings = cached;
      const scores = tf.tidy(() => {
        const e = net.embedding.predict(tf.expandDims(frame, 0)) as tf.Tensor2D; // [1, E]
        const distance = tf.abs(tf.sub(e, embeddings)); // [N, E], as L1Dist(frame, image_i)
        return tf.reshape(net.classifier.apply(distance) as tf.Tensor, [-1]);
      });
      try {
        return decide(Array.from(await scores.data()), thresholds);
      } finally {
        scores.dispose();
      }
    },

    get count() {
      return cached?.shape[0] ?? 0;
    },

    dispose() {
      cached?.dispose();
      cached = null;
      disposed = true;
    },
  };
}
