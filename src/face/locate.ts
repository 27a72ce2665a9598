/**
 * The face crop of a still image (an imported photo, an LFW photo of the bundled negative pack):
 * the same detector and crop rule as a webcam capture, seen the way the rule was measured.
 *
 * FACE_CROP_RULES (src/config) was measured on LFW photos pasted 1:1 in the middle of a grey
 * 640×480 frame, i.e. faces at the pixel scale of a webcam frame. BlazeFace's box depends a little
 * on how large the face is in its 128×128 input (on raw 250×250 photos the median box side is
 * 105.2 px, pasted 108.5 px), so an image smaller than that frame is pasted the same way before
 * detecting; larger images are detected as they are. The square is then placed in the image itself
 * (shifted or shrunk to fit, `clamped`), never across the grey: a grey strip in a training image
 * would be a cue that no webcam capture has. No DOM: callers pass pixels (see detector.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FACE_CONFIG, type FaceConfig } from '../config';
import { faceCrop, type FaceCrop, type FaceCropRule } from './crop-rule';
import type { Face } from './decode';
import type { FaceDetector, PixelSource } from './detector';

/** The frame the crop rule was measured in: smaller images are pasted in its middle on this grey. */
export const LOCATE_FRAME = { width: 640, height: 480, grey: 128 } as const;

export type LocateConfig = FaceCropRule & Pick<FaceConfig, 'scoreThreshold'>;

function sizeOf(pixels: PixelSource): { width: number; height: number } {
  return pixels instanceof tf.Tensor ? { width: pixels.shape[1], height: pixels.shape[0] } : { width: pixels.width, height: pixels.height };
}

/** The image in the middle of a grey frame of at least LOCATE_FRAME's size (caller disposes). */
function pasted(
  pixels: PixelSource,
  width: number,
  height: number,
  padX: number,
  padY: number,
  frameW: number,
  frameH: number,
): tf.Tensor3D {
  return tf.tidy(() => {
    let image: tf.Tensor3D;
    if (pixels instanceof tf.Tensor) image = pixels;
    else {
      const channels = pixels.data.length / (width * height);
      image = tf.tensor3d(new Int32Array(pixels.data), [height, width, channels], 'int32');
    }
    return tf.pad(
      image,
      [
        [padY, frameH - height - padY],
        [padX, frameW - width - padX],
        [0, 0],
      ],
      LOCATE_FRAME.grey,
    );
  });
}

function shifted(face: Face, dx: number, dy: number): Face {
  return {
    score: face.score,
    box: { ...face.box, x: face.box.x - dx, y: face.box.y - dy },
    keypoints: face.keypoints.map((k) => ({ name: k.name, x: k.x - dx, y: k.y - dy })),
  };
}

/**
 * The face crop of an image: the largest face with a score ≥ the threshold and its square in the
 * image's own pixels, or null when the image has no such face. `config` defaults to
 * DEFAULT_FACE_CONFIG (it should match the detector's variant). The caller keeps `pixels`.
 */
export async function locateFace(
  detector: FaceDetector,
  pixels: PixelSource,
  config: LocateConfig = DEFAULT_FACE_CONFIG,
): Promise<FaceCrop | null> {
  const { width, height } = sizeOf(pixels);
  const frameW = Math.max(width, LOCATE_FRAME.width);
  const frameH = Math.max(height, LOCATE_FRAME.height);
  const padX = Math.floor((frameW - width) / 2);
  const padY = Math.floor((frameH - height) / 2);
  const channels = pixels instanceof tf.Tensor ? pixels.shape[2] : pixels.data.length / (width * height);
  // Nothing to paste, or not an image at all (the detector then says what is wrong with it).
  if ((padX === 0 && padY === 0) || !(width > 0 && height > 0) || (channels !== 3 && channels !== 4)) {
    return faceCrop(await detector.detect(pixels), width, height, config);
  }
  const frame = pasted(pixels, width, height, padX, padY, frameW, frameH);
  let faces: Face[];
  try {
    faces = await detector.detect(frame);
  } finally {
    frame.dispose();
  }
  return faceCrop(
    faces.map((f) => shifted(f, padX, padY)),
    width,
    height,
    config,
  );
}
