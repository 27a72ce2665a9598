/**
 * Chip functions: how an LFW photo becomes the backbone's 150×150 input. scripts/facerec's
 * pipeline takes one by name (`--chip`; default 'aligned', the app's chip; its descriptor cache is
 * kept per chip name) and the bench's pairs part takes 'aligned'; another plugs in by adding an
 * entry to CHIP_FUNCTIONS.
 */
import { DEFAULT_FACE_CONFIG } from '../../src/config';
import type { Square } from '../../src/data';
import { createFaceDetector, DEFAULT_ALIGN, type FaceDetector } from '../../src/face';
import { cropResizeBilinear, type Rgba } from '../codec';
import { CENTER_FRACTION, CHIP_SIZE, stillImageChip, type Chip } from '../../src/facerec';
import { createPhotoCropper, describeCropper, faceModelPath, fileModelHandler } from '../lfw';

export interface ChipFunction {
  readonly name: string;
  /** The chip of one decoded photo (`photo` is its path relative to lfw/, for caching and logs). */
  chip(photo: string, image: Rgba): Promise<Chip>;
  /** One line on what it did (photos without a face, …), for logs and the model README. */
  describe(): string;
  /** Chips made so far. */
  photos(): number;
  /** Photos in which no face was found (a fallback chip was made); empty for chips without a detector. */
  noFace(): readonly string[];
  dispose(): void;
}

/** The whole square `image` (LFW photos are 250×250), or its central square. */
const wholeSquare = (image: Rgba): Square => {
  const size = Math.min(image.width, image.height);
  return { x: Math.floor((image.width - size) / 2), y: Math.floor((image.height - size) / 2), size };
};

/**
 * 'face': the app's face square (src/face locateFace with the default detector and crop rule, as
 * the bench's pairs part and the bundled negatives get it; the whole photo where no face is found),
 * resized to 150×150 bilinear with half-pixel centres.
 */
async function faceChips(): Promise<ChipFunction> {
  const cropper = await createPhotoCropper('face');
  return {
    name: 'face',
    chip: async (photo, image) => cropResizeBilinear(image, (await cropper.square(photo, image)) ?? wholeSquare(image), CHIP_SIZE),
    describe: () => `the app's face square resized to ${CHIP_SIZE}: ${describeCropper(cropper)}`,
    photos: () => cropper.seen(),
    noFace: () => [...cropper.noFace],
    dispose: () => cropper.dispose(),
  };
}

/** 'photo': the whole (square) photo resized to 150×150. */
async function photoChips(): Promise<ChipFunction> {
  let n = 0;
  return {
    name: 'photo',
    chip: async (_photo, image) => (n++, cropResizeBilinear(image, wholeSquare(image), CHIP_SIZE)),
    describe: () => `the whole photo resized to ${CHIP_SIZE} (${n} photos)`,
    photos: () => n,
    noFace: () => [],
    dispose: () => undefined,
  };
}

/**
 * 'center': the central 110×110 pixels of the 250×250 (deep-funneled, face-centred) LFW photo,
 * resized to 150×150: about the face framing of dlib's chips. Only for LFW-like photos.
 */
export const CENTER_CROP = 110;
function centerChip(image: Rgba): Rgba {
  const s = wholeSquare(image);
  const size = Math.min(CENTER_CROP, s.size);
  return cropResizeBilinear(image, { x: s.x + Math.floor((s.size - size) / 2), y: s.y + Math.floor((s.size - size) / 2), size }, CHIP_SIZE);
}
async function centerChips(): Promise<ChipFunction> {
  let n = 0;
  return {
    name: 'center',
    chip: async (_photo, image) => (n++, centerChip(image)),
    describe: () => `the central ${CENTER_CROP} px of the photo resized to ${CHIP_SIZE} (${n} photos)`,
    photos: () => n,
    noFace: () => [],
    dispose: () => undefined,
  };
}

/**
 * 'aligned': what the app does to a face: locateFace (DEFAULT_FACE_CONFIG's short-range detector,
 * crop rule and score threshold, the photo pasted in the grey 640×480 frame), refineFace (the face
 * detected again in its own square), then alignFace with DEFAULT_ALIGN (eyes level, 150×150,
 * RGB float 0–255). A photo where no face is found gets the 'center' chip instead, and is counted.
 * `detector` is for tests (the caller keeps it); by default the app's copy is loaded from
 * public/models/face-detector on the current tf.js backend and disposed with the chip function.
 */
export async function alignedChips(detector?: FaceDetector): Promise<ChipFunction> {
  const config = DEFAULT_FACE_CONFIG;
  const own = detector === undefined;
  const d = detector ?? (await createFaceDetector({ ...config, model: fileModelHandler(faceModelPath(config.variant)) }));
  if (DEFAULT_ALIGN.size !== CHIP_SIZE)
    throw new Error(`DEFAULT_ALIGN.size ${DEFAULT_ALIGN.size} is not the backbone's chip size ${CHIP_SIZE}`);
  let n = 0;
  const noFace: string[] = [];
  return {
    name: 'aligned',
    async chip(photo, image) {
      n++;
      // The app's one recipe (src/facerec stillImageChip); its fallback is the central square.
      const { chip, faceFound } = await stillImageChip(d, image, config);
      if (!faceFound) noFace.push(photo);
      try {
        return { width: CHIP_SIZE, height: CHIP_SIZE, data: (await chip.data()) as Float32Array };
      } finally {
        chip.dispose();
      }
    },
    describe: () =>
      `stillImageChip: locateFace → refineFace → alignFace (${JSON.stringify(DEFAULT_ALIGN)}) (${n} photos; no face found in ${noFace.length}, the central ${Math.round(CENTER_FRACTION * 100)} % of the side used there${noFace.length > 0 ? `: ${noFace.slice(0, 10).join(', ')}${noFace.length > 10 ? ', …' : ''}` : ''})`,
    photos: () => n,
    noFace: () => [...noFace],
    dispose: () => {
      if (own) d.dispose();
    },
  };
}

export const CHIP_FUNCTIONS: Readonly<Record<string, () => Promise<ChipFunction>>> = {
  aligned: () => alignedChips(),
  face: faceChips,
  photo: photoChips,
  center: centerChips,
};

export async function createChipFunction(name: string): Promise<ChipFunction> {
  const make = CHIP_FUNCTIONS[name];
  if (!make) throw new Error(`--chip ${name}: expected one of ${Object.keys(CHIP_FUNCTIONS).join(', ')}`);
  return make();
}
