/**
 * Typed camera errors. `cameraErrorCode` maps the DOMException names that getUserMedia and
 * HTMLVideoElement.play() reject with onto a small set of codes the UI can act on; it is a pure
 * function of the name so it is tested in Node. 'no-frame' is raised by the frame grabbers when the
 * video has no frame yet.
 */

export const CAMERA_ERROR_CODES = ['permission-denied', 'no-camera', 'camera-in-use', 'insecure-context', 'no-frame', 'unknown'] as const;
export type CameraErrorCode = (typeof CAMERA_ERROR_CODES)[number];

/** One message per code, written for the person in front of the camera. */
export const CAMERA_ERROR_MESSAGES: Readonly<Record<CameraErrorCode, string>> = {
  'permission-denied':
    'Camera access was denied. You can still import photos and train on stored samples; allow the camera in the site settings and reload to capture.',
  'no-camera':
    'No camera was found that can deliver video. Connect a camera and reload, or import photos and train on stored samples instead.',
  'camera-in-use': 'The camera could not be started; another application or tab may be using it. Close it and try again.',
  'insecure-context':
    'This page cannot use the camera because it is not served over HTTPS (or from localhost). Open it from a secure address to capture.',
  'no-frame': 'The camera has not delivered a video frame yet. Wait for the preview to appear and try again.',
  unknown: 'The camera could not be started.',
};

/** The DOMException (or Error) names each code stands for. Anything else is 'unknown'. */
const CODE_BY_NAME: Readonly<Record<string, CameraErrorCode>> = {
  NotAllowedError: 'permission-denied',
  SecurityError: 'permission-denied',
  // Old Chrome names, still seen in the wild.
  PermissionDeniedError: 'permission-denied',
  NotFoundError: 'no-camera',
  OverconstrainedError: 'no-camera',
  DevicesNotFoundError: 'no-camera',
  ConstraintNotSatisfiedError: 'no-camera',
  NotReadableError: 'camera-in-use',
  AbortError: 'camera-in-use',
  TrackStartError: 'camera-in-use',
};

/** The code for an error name (`DOMException.name`); unknown or missing names give 'unknown'. */
export function cameraErrorCode(name: string | undefined | null): CameraErrorCode {
  if (!name) return 'unknown';
  return Object.hasOwn(CODE_BY_NAME, name) ? (CODE_BY_NAME[name] as CameraErrorCode) : 'unknown';
}

export class CameraError extends Error {
  constructor(
    readonly code: CameraErrorCode,
    /** The browser's error name (e.g. 'NotAllowedError'), when there was one. */
    readonly errorName?: string,
    options?: { cause?: unknown },
  ) {
    const detail = errorName && code === 'unknown' ? ` (${errorName})` : '';
    super(`${CAMERA_ERROR_MESSAGES[code]}${detail}`, options);
    this.name = 'CameraError';
  }
}

function errorName(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'name' in err && typeof err.name === 'string') return err.name;
  return undefined;
}

/** Wraps anything getUserMedia or play() threw into a CameraError (a CameraError passes through). */
export function toCameraError(err: unknown): CameraError {
  if (err instanceof CameraError) return err;
  const name = errorName(err);
  return new CameraError(cameraErrorCode(name), name, { cause: err });
}
