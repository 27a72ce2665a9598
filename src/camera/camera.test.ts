import { describe, expect, it } from 'vitest';
import {
  CAMERA_ERROR_CODES,
  CAMERA_ERROR_MESSAGES,
  CameraError,
  cameraConstraints,
  cameraErrorCode,
  startCamera,
  stopCamera,
  toCameraError,
} from '.';

describe('cameraErrorCode', () => {
  it.each([
    ['NotAllowedError', 'permission-denied'],
    ['SecurityError', 'permission-denied'],
    ['PermissionDeniedError', 'permission-denied'],
    ['NotFoundError', 'no-camera'],
    ['OverconstrainedError', 'no-camera'],
    ['DevicesNotFoundError', 'no-camera'],
    ['NotReadableError', 'camera-in-use'],
    ['AbortError', 'camera-in-use'],
    ['TrackStartError', 'camera-in-use'],
    ['TypeError', 'unknown'],
    ['toString', 'unknown'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ] as const)('%s → %s', (name, code) => {
    expect(cameraErrorCode(name)).toBe(code);
  });
});

describe('CameraError', () => {
  it('has a distinct, non-empty user message per code', () => {
    const messages = CAMERA_ERROR_CODES.map((c) => CAMERA_ERROR_MESSAGES[c]);
    expect(new Set(messages).size).toBe(CAMERA_ERROR_CODES.length);
    expect(CAMERA_ERROR_MESSAGES['permission-denied']).toMatch(/denied.*import photos.*site settings/);
  });

  it('wraps DOMException-like errors, keeps the cause and names unknown errors', () => {
    const denied = { name: 'NotAllowedError', message: 'Permission denied' };
    const e = toCameraError(denied);
    expect(e).toBeInstanceOf(CameraError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('permission-denied');
    expect(e.errorName).toBe('NotAllowedError');
    expect(e.cause).toBe(denied);
    expect(e.message).toBe(CAMERA_ERROR_MESSAGES['permission-denied']);

    const odd = toCameraError(new TypeError('bad constraints'));
    expect(odd.code).toBe('unknown');
    expect(odd.message).toContain('(TypeError)');
    expect(toCameraError('a string').code).toBe('unknown');
    expect(toCameraError(e)).toBe(e);
  });
});

describe('cameraConstraints', () => {
  it('asks for the front camera at an ideal 640×480 and no audio', () => {
    expect(cameraConstraints()).toEqual({ video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
  });
  it('uses an exact deviceId instead of the facing mode when given', () => {
    expect(cameraConstraints({ deviceId: 'cam-2', width: 1280, height: 720 })).toEqual({
      video: { deviceId: { exact: 'cam-2' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false,
    });
  });
});

/** Minimal stand-ins for the browser objects startCamera touches. */
function fakeStream() {
  const track = {
    stopped: false,
    stop() {
      this.stopped = true;
    },
    getSettings: () => ({ width: 640, height: 480 }),
  };
  const stream = { getTracks: () => [track], getVideoTracks: () => [track] };
  return { track, stream: stream as unknown as MediaStream };
}

function fakeVideo(playError?: unknown) {
  const video = {
    muted: false,
    playsInline: false,
    srcObject: null as MediaStream | null,
    videoWidth: 0,
    videoHeight: 0,
    async play() {
      if (playError) throw playError;
      this.videoWidth = 640;
      this.videoHeight = 480;
    },
    addEventListener() {},
    removeEventListener() {},
  };
  return { video, el: video as unknown as HTMLVideoElement };
}

describe('startCamera', () => {
  it('reports insecure-context when getUserMedia is missing', async () => {
    const { el } = fakeVideo();
    const noMedia = {} as unknown as Pick<MediaDevices, 'getUserMedia'>;
    await expect(startCamera(el, { mediaDevices: noMedia })).rejects.toMatchObject({ code: 'insecure-context' });
  });

  it('maps a getUserMedia rejection to a CameraError', async () => {
    const { el } = fakeVideo();
    const mediaDevices = { getUserMedia: () => Promise.reject(Object.assign(new Error('busy'), { name: 'NotReadableError' })) };
    const err = await startCamera(el, { mediaDevices }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CameraError);
    expect(err).toMatchObject({ code: 'camera-in-use', errorName: 'NotReadableError' });
  });

  it('plays the stream muted and inline, reports its size and stops it', async () => {
    const { track, stream } = fakeStream();
    const { video, el } = fakeVideo();
    let asked: MediaStreamConstraints | undefined;
    const mediaDevices = {
      getUserMedia: (c?: MediaStreamConstraints) => {
        asked = c;
        return Promise.resolve(stream);
      },
    };
    const cam = await startCamera(el, { mediaDevices });
    expect(asked).toEqual(cameraConstraints());
    expect(video).toMatchObject({ muted: true, playsInline: true, srcObject: stream });
    expect(cam).toMatchObject({ stream, width: 640, height: 480 });
    cam.stop();
    cam.stop();
    expect(track.stopped).toBe(true);
    expect(video.srcObject).toBeNull();
  });

  it('releases the camera when play() fails', async () => {
    const { track, stream } = fakeStream();
    const { video, el } = fakeVideo(Object.assign(new Error('interrupted'), { name: 'AbortError' }));
    const mediaDevices = { getUserMedia: () => Promise.resolve(stream) };
    await expect(startCamera(el, { mediaDevices })).rejects.toMatchObject({ code: 'camera-in-use' });
    expect(track.stopped).toBe(true);
    expect(video.srcObject).toBeNull();
  });

  it('stopCamera stops whatever stream the video plays', () => {
    const { track, stream } = fakeStream();
    const { video, el } = fakeVideo();
    video.srcObject = stream;
    stopCamera(el);
    expect(track.stopped).toBe(true);
    expect(video.srcObject).toBeNull();
    expect(() => stopCamera(el)).not.toThrow();
  });
});
