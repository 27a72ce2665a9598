/**
 * How an LFW photo becomes a model input in the Node tools that read LFW directly (the bench's
 * pairs part, scripts/pretrain/calibrate.mjs, npm run pretrain:wasm):
 *
 * - 'face' (default): the app's face crop, as an imported photo or a photo of the bundled negative
 *   pack gets it (scripts/build-negatives.mjs): src/face locateFace with DEFAULT_FACE_CONFIG's
 *   detector and crop rule (short range, the largest face scoring ≥ 0.5, a square of
 *   marginFactor × its box side around its keypoint centre, the photo pasted in a grey 640×480
 *   frame to detect), the square then going through the app's preprocess (bilinear, half-pixel
 *   centres, to the model's input, [0, 1]) as a verification frame's square does. Where no face is
 *   found the whole photo is used, and counted: the official pairs lists are scored whole.
 * - 'photo': the whole 250×250 photo (what the shipped model was pretrained on).
 *
 * The crop rule's margin makes a face fill its square the way it fills an LFW photo, so the two are
 * close; 'face' is what the app feeds the model.
 */
import { DEFAULT_FACE_CONFIG } from '../../src/config';
import type { Square } from '../../src/data';
import { createFaceDetector, locateFace, type FaceSquare } from '../../src/face';
import type { Rgba } from '../codec';
import { faceModelPath, fileModelHandler } from './model-files';

export const PHOTO_CROPS = ['face', 'photo'] as const;
export type PhotoCrop = (typeof PHOTO_CROPS)[number];

export function isPhotoCrop(value: unknown): value is PhotoCrop {
  return (PHOTO_CROPS as readonly unknown[]).includes(value);
}

/** Finds the face crop square of a decoded photo, or null when it has no face. */
export type LocateSquare = (image: Rgba) => Promise<FaceSquare | null>;

export interface PhotoCropper {
  readonly crop: PhotoCrop;
  /** The square of `photo` to preprocess, or undefined for the whole photo. Looked up once per photo. */
  square(photo: string, image: Rgba): Promise<Square | undefined>;
  /** Photos in which no face was found (their whole photo is used). */
  readonly noFace: ReadonlySet<string>;
  /** Photos whose square had to be shifted or shrunk to stay inside the photo. */
  readonly clamped: ReadonlySet<string>;
  /** Photos looked at so far. */
  readonly seen: () => number;
  /** Frees the detector, if any. */
  dispose(): void;
}

/** The whole photo: no detector. */
export function wholePhotoCropper(): PhotoCropper {
  const seen = new Set<string>();
  return {
    crop: 'photo',
    square: async (photo) => {
      seen.add(photo);
      return undefined;
    },
    noFace: new Set(),
    clamped: new Set(),
    seen: () => seen.size,
    dispose: () => undefined,
  };
}

/** The face crop through `locate` (tests may pass their own), cached per photo path. */
export function faceCropper(locate: LocateSquare, dispose: () => void = () => undefined): PhotoCropper {
  const squares = new Map<string, Square | undefined>();
  const noFace = new Set<string>();
  const clamped = new Set<string>();
  return {
    crop: 'face',
    async square(photo, image) {
      if (squares.has(photo)) return squares.get(photo);
      const found = await locate(image);
      if (found === null) noFace.add(photo);
      else if (found.clamped) clamped.add(photo);
      const square = found === null ? undefined : { x: found.x, y: found.y, size: found.size };
      squares.set(photo, square);
      return square;
    },
    noFace,
    clamped,
    seen: () => squares.size,
    dispose,
  };
}

/**
 * A cropper of the given kind; 'face' loads the app's own copy of the detector
 * (public/models/face-detector) on the current tf.js backend. The caller disposes it.
 */
export async function createPhotoCropper(crop: PhotoCrop): Promise<PhotoCropper> {
  if (crop === 'photo') return wholePhotoCropper();
  const config = DEFAULT_FACE_CONFIG;
  const detector = await createFaceDetector({ ...config, model: fileModelHandler(faceModelPath(config.variant)) });
  return faceCropper(
    async (image) => (await locateFace(detector, image, config))?.square ?? null,
    () => detector.dispose(),
  );
}

/** One line on what a cropper did, for logs and reports. */
export function describeCropper(c: PhotoCropper): string {
  return c.crop === 'photo'
    ? `whole photo (${c.seen()} photos)`
    : `face crop (${c.seen()} photos; no face found in ${c.noFace.size}, whole photo used there; square clamped into the photo in ${c.clamped.size})`;
}
