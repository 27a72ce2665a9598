/**
 * Chip functions: how an LFW photo becomes the backbone's 150×150 input. The pipeline takes one by
 * name (`--chip`), so another (e.g. the eyes-level alignment of src/face) plugs in by adding an
 * entry to CHIP_FUNCTIONS; the descriptor cache is kept per chip name.
 */
import type { Square } from '../../src/data';
import { cropResizeBilinear, type Rgba } from '../../tools/codec';
import { CHIP_SIZE, type Chip } from '../../src/facerec';
import { createPhotoCropper, describeCropper } from './external';

export interface ChipFunction {
  readonly name: string;
  /** The chip of one decoded photo (`photo` is its path relative to lfw/, for caching and logs). */
  chip(photo: string, image: Rgba): Promise<Chip>;
  /** One line on what it did (photos without a face, …), for logs and the model README. */
  describe(): string;
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
    dispose: () => undefined,
  };
}

/**
 * 'center': the central 110×110 pixels of the 250×250 (deep-funneled, face-centred) LFW photo,
 * resized to 150×150: about the face framing of dlib's chips. Only for LFW-like photos.
 */
export const CENTER_CROP = 110;
async function centerChips(): Promise<ChipFunction> {
  let n = 0;
  return {
    name: 'center',
    chip: async (_photo, image) => {
      n++;
      const s = wholeSquare(image);
      const size = Math.min(CENTER_CROP, s.size);
      return cropResizeBilinear(
        image,
        { x: s.x + Math.floor((s.size - size) / 2), y: s.y + Math.floor((s.size - size) / 2), size },
        CHIP_SIZE,
      );
    },
    describe: () => `the central ${CENTER_CROP} px of the photo resized to ${CHIP_SIZE} (${n} photos)`,
    dispose: () => undefined,
  };
}

export const CHIP_FUNCTIONS: Readonly<Record<string, () => Promise<ChipFunction>>> = {
  face: faceChips,
  photo: photoChips,
  center: centerChips,
};

export async function createChipFunction(name: string): Promise<ChipFunction> {
  const make = CHIP_FUNCTIONS[name];
  if (!make) throw new Error(`--chip ${name}: expected one of ${Object.keys(CHIP_FUNCTIONS).join(', ')}`);
  return make();
}
