/** Typed training errors; `code` is what the worker posts and the UI switches on. */
export type TrainingErrorCode =
  /** A model or training setting is out of range (the message names it). */
  | 'invalid-config'
  /** Images, index and pairs do not fit together or the model (a programming error, not the user's). */
  | 'invalid-data'
  /** Too few samples to make a training and a test split (an empty class, …): the user must add some. */
  | 'not-enough-samples'
  /** Resume was asked for but there is no checkpoint. */
  | 'no-checkpoint'
  /** The checkpoint was written for another model, training settings or set of samples. */
  | 'checkpoint-mismatch'
  /** The stored checkpoint is damaged. */
  | 'checkpoint-corrupt'
  /** IndexedDB refused a write (quota, private mode, …). */
  | 'storage-failed'
  /** A stored sample image could not be decoded. */
  | 'decode-failed'
  /** No tf.js backend could be initialised. */
  | 'backend-failed'
  /** The training worker could not start or crashed. */
  | 'worker-failed'
  /** Training itself failed (the loss became NaN, out of memory, an unexpected error). */
  | 'training-failed';

export class TrainingError extends Error {
  constructor(
    readonly code: TrainingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TrainingError';
  }
}

export { errorMessage } from '../common';
