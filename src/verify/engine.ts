/**
 * The app's one verifier, shared by the live overlay and the Verify panel (no React).
 *
 * It keeps a `createVerifier` with the verification images' embeddings cached for the current
 * model, and re-embeds only when the model or the set of verification images changes (the samples
 * version grows on every capture of any kind; the ids tell whether verification images changed).
 * `exclusive` runs one verification at a time, so "Verify now" never overlaps a live frame.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config';
import type { SiameseNetwork } from '../model';
import type { FrameInput } from './cropped';
import type { Decision, Thresholds } from './decision';
import { createVerifier, type Verifier } from './verifier';
import { errorMessage } from '../common';

/** A stored verification image and whose it is (src/data personOf). */
export interface VerificationRef {
  readonly id: string;
  readonly person: string;
}

export interface EngineDeps {
  /** The stored verification images, in a stable order. */
  listIds(): Promise<readonly VerificationRef[]>;
  /**
   * The images' inputs for a network of `config`, as one batch: preprocessed images [N, s, s, 3]
   * (reference network) or face descriptors [N, 128] (face-recognition network); the caller
   * disposes it. `onProgress(done)` may report progress.
   */
  loadImages(ids: readonly string[], config: ModelConfig, onProgress: (done: number) => void): Promise<tf.Tensor>;
  /** How a live frame becomes the input of a network of `config` (it may load the face describer). */
  frameInput(config: ModelConfig): Promise<FrameInput>;
  /** Marks a network in use until the returned function is called (see ModelState.use). */
  use(net: SiameseNetwork): () => void;
  /** Default: createVerifier from src/verify. */
  createVerifier?: (net: SiameseNetwork) => Verifier;
}

export type EngineStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface EngineSnapshot {
  readonly status: EngineStatus;
  /** Verification images embedded (ready) or being prepared (loading). */
  readonly count: number;
  /** Images decoded so far while loading. */
  readonly done: number;
  readonly error: string | null;
}

interface Built {
  readonly net: SiameseNetwork;
  readonly key: string;
  readonly verifier: Verifier;
  /** Whose each cached image is, in the verifier's order. */
  readonly owners: readonly string[];
  readonly input: FrameInput;
  readonly release: () => void;
}

const IDLE: EngineSnapshot = { status: 'idle', count: 0, done: 0, error: null };

export class VerificationEngine {
  private built: Built | null = null;
  private pending: Promise<Verifier | null> | null = null;
  private wanted: { net: SiameseNetwork | null; version: number } = { net: null, version: -1 };
  private snapshot: EngineSnapshot = IDLE;
  private readonly listeners = new Set<() => void>();
  private lock: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly deps: EngineDeps) {}

  getSnapshot = (): EngineSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(s: EngineSnapshot): void {
    this.snapshot = s;
    for (const l of this.listeners) l();
  }

  /**
   * The verifier for this model and samples version, (re)built when needed; concurrent calls with
   * the same arguments share one build. Null when there is no model or no verification image, or
   * when a newer call superseded this one.
   */
  ensure(net: SiameseNetwork | null, version: number): Promise<Verifier | null> {
    if (this.disposed) return Promise.resolve(null);
    if (this.pending && this.wanted.net === net && this.wanted.version === version) return this.pending;
    this.wanted = { net, version };
    const run = this.exclusive(() => this.build(net, version));
    const p = run.then(
      (v) => v,
      (e: unknown) => {
        if (this.isCurrent(net, version)) this.set({ status: 'error', count: 0, done: 0, error: errorMessage(e) });
        return null;
      },
    );
    this.pending = p;
    return p;
  }

  private isCurrent(net: SiameseNetwork | null, version: number): boolean {
    return !this.disposed && this.wanted.net === net && this.wanted.version === version;
  }

  private async build(net: SiameseNetwork | null, version: number): Promise<Verifier | null> {
    if (!this.isCurrent(net, version)) return null;
    if (net === null) {
      this.drop();
      this.set(IDLE);
      return null;
    }
    const refs = await this.deps.listIds();
    if (!this.isCurrent(net, version)) return null;
    const ids = refs.map((r) => r.id);
    const owners = refs.map((r) => r.person);
    // Whose an image is counts too: moving images between people rebuilds.
    const key = refs.map((r) => `${r.id}\u0000${r.person}`).join('\n');
    if (this.built && this.built.net === net && this.built.key === key) {
      this.set({ status: 'ready', count: ids.length, done: ids.length, error: null });
      return this.built.verifier;
    }
    this.drop();
    if (ids.length === 0) {
      this.set(IDLE);
      return null;
    }
    this.set({ status: 'loading', count: ids.length, done: 0, error: null });
    const release = this.deps.use(net);
    let verifier: Verifier | null = null;
    let input: FrameInput;
    try {
      input = await this.deps.frameInput(net.config);
      const images = await this.deps.loadImages(ids, net.config, (done) => {
        if (this.isCurrent(net, version)) this.set({ status: 'loading', count: ids.length, done, error: null });
      });
      try {
        if (!this.isCurrent(net, version)) return null;
        // An image deleted while loading is left out of the batch: the owners would not line up.
        // The deletion bumps the samples version, and that build lists the images again.
        if ((images.shape[0] ?? 0) !== ids.length) {
          release();
          return null;
        }
        verifier = (this.deps.createVerifier ?? createVerifier)(net);
        verifier.setVerificationImages(images);
      } finally {
        images.dispose();
      }
    } catch (e) {
      verifier?.dispose();
      release();
      throw e;
    }
    if (!this.isCurrent(net, version)) {
      verifier?.dispose();
      release();
      return null;
    }
    this.built = { net, key, verifier: verifier!, owners, input, release };
    this.set({ status: 'ready', count: ids.length, done: ids.length, error: null });
    return verifier;
  }

  /** The current verifier if it is ready for this model (no loading). */
  current(net: SiameseNetwork | null): Verifier | null {
    return this.built && this.built.net === net && this.snapshot.status === 'ready' ? this.built.verifier : null;
  }

  /** Whose each verification image of the ready verifier of `net` is, in score order; null before. */
  owners(net: SiameseNetwork | null): readonly string[] | null {
    return this.current(net) ? this.built!.owners : null;
  }

  /** How a frame becomes the input of `net`, once its verifier is ready; null before. */
  frameInput(net: SiameseNetwork | null): FrameInput | null {
    return this.current(net) ? this.built!.input : null;
  }

  /**
   * Verifies one frame's network input with the current verifier of `net`, after any verification
   * or rebuild in progress. Null when no verifier is ready for `net` (the frame is not disposed here).
   */
  verify(net: SiameseNetwork, frame: tf.Tensor, thresholds: Thresholds): Promise<Decision | null> {
    return this.exclusive(async () => {
      const v = this.current(net);
      return v ? v.verify(frame, thresholds) : null;
    });
  }

  /** Runs `fn` when no other exclusive call is running (verifications never overlap a rebuild or each other). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private drop(): void {
    if (!this.built) return;
    this.built.verifier.dispose();
    this.built.release();
    this.built = null;
  }

  /** Frees the cached embeddings and lets the model go. */
  dispose(): void {
    this.disposed = true;
    void this.exclusive(async () => this.drop());
    this.set(IDLE);
  }
}
