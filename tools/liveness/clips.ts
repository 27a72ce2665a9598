/**
 * Fake-camera clips for the liveness check, made from LFW photos at test time (Node only):
 *
 * - live: a person's frontal photo, then photos of the same person turned to a side (chosen by the
 *   cue: chooseLivePhotos), each pasted 1:1 in the middle of a grey 640×480 frame and held a while;
 * - spoof: one photo as a flat print, warped by ffmpeg's `perspective` filter into each pose of a
 *   sequence (moved, scaled, rolled, tilted: tools/liveness PhotoPose), held a while each.
 *
 * A clip is a list of segments (photo, pose, frames) written to a Y4M file by tools/codec. Neutral
 * poses need no ffmpeg; any other pose runs `ffmpeg` (env FFMPEG, else /usr/bin/ffmpeg) once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DEFAULT_LIVENESS_CONFIG, type LivenessConfig } from '../../src/config';
import type { FaceDetector, PixelSource } from '../../src/face';
import { yawCue } from '../../src/liveness';
import { openY4m } from '../codec';
import { composeFrame, readJpeg, type RgbaImage } from '../lfw';
import { seeFrame } from './see';
import { applyHomography, invert3, mul3, NEUTRAL_POSE, photoHomography, SPOOF_FRAME, type PhotoPose, type SpoofFrame } from './spoof';

export class LivenessClipError extends Error {
  readonly code = 'liveness-clip';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LivenessClipError';
  }
}

export interface ClipSegment {
  /** A JPEG photo (absolute path). */
  readonly photo: string;
  /** How the photo is held (default: 1:1 in the middle of the frame). */
  readonly pose?: PhotoPose;
  /** Frames it is held for. */
  readonly frames: number;
}

export interface LivenessClip {
  readonly path: string;
  readonly frames: number;
  readonly fps: number;
  readonly segments: readonly ClipSegment[];
}

/** The ffmpeg to run: env FFMPEG, else /usr/bin/ffmpeg; null when there is none. */
export function ffmpegPath(): string | null {
  const candidate = process.env.FFMPEG ?? '/usr/bin/ffmpeg';
  return existsSync(candidate) ? candidate : null;
}

const isNeutral = (pose: PhotoPose) => (Object.keys(NEUTRAL_POSE) as (keyof PhotoPose)[]).every((k) => pose[k] === NEUTRAL_POSE[k]);

/** The photo pasted 1:1 in the middle of the grey frame (what the neutral pose shows). */
function pastedFrame(photo: RgbaImage, frame: SpoofFrame): RgbaImage {
  return composeFrame(frame.width, frame.height, frame.grey, [
    { image: photo, x: Math.round((frame.width - photo.width) / 2), y: Math.round((frame.height - photo.height) / 2) },
  ]);
}

/**
 * ffmpeg's `perspective` corners for `pose`: the photo is first padded to the frame as in the neutral
 * pose, then the padded frame's corners go where the pose's homography sends them. ffmpeg's corners
 * are pixel edges (0 and W), the homography's points pixel centres (0 and W − 1).
 */
export function perspectiveCorners(pose: PhotoPose, photoWidth: number, photoHeight: number, frame: SpoofFrame = SPOOF_FRAME): number[] {
  const g = mul3(
    photoHomography(pose, photoWidth, photoHeight, frame),
    invert3(photoHomography(NEUTRAL_POSE, photoWidth, photoHeight, frame)),
  );
  return [
    [0, 0],
    [frame.width, 0],
    [0, frame.height],
    [frame.width, frame.height],
  ].flatMap(([x, y]) => {
    const p = applyHomography(g, x! - 0.5, y! - 0.5);
    return [p.x + 0.5, p.y + 0.5];
  });
}

/** One frame of `file` in `pose`, rendered by ffmpeg: RGB bytes, frame.width × frame.height × 3. */
export function ffmpegPoseFrame(
  file: string,
  pose: PhotoPose,
  photoWidth: number,
  photoHeight: number,
  frame: SpoofFrame = SPOOF_FRAME,
): Uint8Array {
  const ffmpeg = ffmpegPath();
  if (ffmpeg === null) throw new LivenessClipError('ffmpeg is needed for posed (spoof) frames: install it or set FFMPEG');
  const [x0, y0, x1, y1, x2, y2, x3, y3] = perspectiveCorners(pose, photoWidth, photoHeight, frame).map((v) => v.toFixed(3));
  const grey = frame.grey.toString(16).padStart(2, '0');
  const filter = [
    'format=gbrp',
    `pad=${frame.width}:${frame.height}:${Math.round((frame.width - photoWidth) / 2)}:${Math.round((frame.height - photoHeight) / 2)}:color=0x${grey}${grey}${grey}`,
    `perspective=x0=${x0}:y0=${y0}:x1=${x1}:y1=${y1}:x2=${x2}:y2=${y2}:x3=${x3}:y3=${y3}:sense=destination:interpolation=linear`,
    'format=rgb24',
  ].join(',');
  let out: Buffer;
  try {
    out = execFileSync(
      ffmpeg,
      ['-hide_banner', '-loglevel', 'error', '-i', file, '-vf', filter, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
      {
        maxBuffer: frame.width * frame.height * 3 + 1024,
      },
    );
  } catch (cause) {
    throw new LivenessClipError(`ffmpeg could not render ${file} in pose ${JSON.stringify(pose)}: ${String(cause)}`, { cause });
  }
  if (out.length !== frame.width * frame.height * 3)
    throw new LivenessClipError(`ffmpeg gave ${out.length} bytes for ${file}, expected ${frame.width}×${frame.height}×3`);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Writes a clip of `segments` to `out` (Y4M, `fps` frames a second). */
export function makeLivenessClip(
  out: string,
  segments: readonly ClipSegment[],
  options: { fps?: number; frame?: SpoofFrame } = {},
): LivenessClip {
  const { fps = 10, frame = SPOOF_FRAME } = options;
  if (segments.length === 0) throw new LivenessClipError('a clip needs at least one segment');
  for (const s of segments) {
    if (!existsSync(s.photo)) throw new LivenessClipError(`no photo at ${s.photo}`);
    if (!(Number.isInteger(s.frames) && s.frames > 0)) throw new LivenessClipError(`frames ${s.frames} must be a positive integer`);
  }
  const writer = openY4m(out, frame.width, frame.height, fps);
  try {
    for (const s of segments) {
      const photo = readJpeg(s.photo);
      const pose = s.pose ?? NEUTRAL_POSE;
      if (isNeutral(pose)) writer.write(pastedFrame(photo, frame).data, s.frames, 4);
      else writer.write(ffmpegPoseFrame(s.photo, pose, photo.width, photo.height, frame), s.frames, 3);
    }
  } finally {
    writer.close();
  }
  return { path: out, frames: writer.frames, fps, segments };
}

/**
 * What the check sees of one frame (e.g. a clip's frame): how many faces the detector finds at its
 * score threshold, and the largest one's cue from keypoints refined in its own square (null without
 * a face, or with degenerate keypoints).
 */
export async function frameCue(
  detector: FaceDetector,
  frame: PixelSource,
  config: LivenessConfig = DEFAULT_LIVENESS_CONFIG,
): Promise<{ faces: number; cue: number | null }> {
  const sight = await seeFrame(detector, frame);
  return { faces: sight.faces, cue: sight.refined === null ? null : yawCue(sight.refined.keypoints, config.cue) };
}

/** A photo's liveness cue as the check sees it: pasted in the grey frame, detected, refined; null without one face. */
export async function photoCue(
  detector: FaceDetector,
  file: string,
  config: LivenessConfig = DEFAULT_LIVENESS_CONFIG,
): Promise<number | null> {
  const { faces, cue } = await frameCue(detector, pastedFrame(readJpeg(file), SPOOF_FRAME), config);
  return faces === 1 ? cue : null;
}

export interface LivePhotos {
  /** The photo nearest the frontal centre, within the frontal band. */
  readonly frontal: { readonly photo: string; readonly cue: number };
  /** Per side, the photo turned furthest that way from the frontal one, when it clears `margin` × the turn threshold. */
  readonly left: { readonly photo: string; readonly change: number } | null;
  readonly right: { readonly photo: string; readonly change: number } | null;
}

/**
 * The photos of a live clip, chosen by the cue among `files` (one person's photos): a frontal one,
 * and the most turned one to each side whose change from the frontal one is at least `margin` times
 * the turn threshold (so that the clip's turn is clear of it). Null when no photo is frontal.
 */
export async function chooseLivePhotos(
  detector: FaceDetector,
  files: readonly string[],
  config: LivenessConfig = DEFAULT_LIVENESS_CONFIG,
  margin = 1.5,
): Promise<LivePhotos | null> {
  const cues: { photo: string; cue: number }[] = [];
  for (const photo of files) {
    const cue = await photoCue(detector, photo, config);
    if (cue !== null) cues.push({ photo, cue });
  }
  const inBand = cues.filter((c) => Math.abs(c.cue - config.frontalCentre) <= config.frontalBand);
  if (inBand.length === 0) return null;
  const frontal = inBand.reduce((a, b) => (Math.abs(b.cue - config.frontalCentre) < Math.abs(a.cue - config.frontalCentre) ? b : a));
  const turned = (sign: 1 | -1) => {
    const best = cues.reduce<{ photo: string; change: number } | null>((acc, c) => {
      const change = (c.cue - frontal.cue) * sign;
      return acc === null || change > acc.change ? { photo: c.photo, change } : acc;
    }, null);
    return best !== null && best.change >= margin * config.turnThreshold ? { photo: best.photo, change: best.change * sign } : null;
  };
  return { frontal, left: turned(1), right: turned(-1) };
}
