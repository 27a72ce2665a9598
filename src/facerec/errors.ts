/** Why the face-recognition network (backbone or head) could not be loaded or used. */
export type FaceRecErrorCode =
  /** The file could not be fetched from the app's origin (network error, HTTP status). */
  | 'fetch-failed'
  /** The manifest or model.json is not what it should be (not JSON, not a weights manifest). */
  | 'not-a-manifest'
  /** The weight bytes do not match the manifest (truncated, wrong size, undecodable). */
  | 'corrupt'
  /** The weights do not fit the network's layers (other names or shapes). */
  | 'wrong-architecture'
  /** An input chip has the wrong size or format. */
  | 'bad-chip';

export class FaceRecError extends Error {
  constructor(
    readonly code: FaceRecErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FaceRecError';
  }
}
