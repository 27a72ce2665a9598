/**
 * The LFW kit of the Node tools (the bench's Node side, scripts/ and the pretraining scripts) and
 * of the tests that read LFW: where the shared data lies, the LFW folder layout and people files,
 * single photos and webcam-like frames made from them, the enrolment protocol's photo split, the
 * app's face crop of an LFW photo, the official pairs files and their scoring with a Siamese
 * model, and tf.js models read from disk. Node only (it reads files); its maths are
 * tools/common's and its JPEG codec is tools/codec.
 */
export { LFW_DIR, LFW_META_DIR, lfwPath, REPO_ROOT, SHARED_DIR } from './paths';
export { faceModelPath, fileModelHandler, servePublic } from './model-files';
export { composeFrame, readJpeg, readPeople, resizeRgba, webcamFrame, type RgbaImage } from './photos';
export { buildArchive, countPhotos, photosOf, planTargets, readPeopleFile, SPLIT, type ArchiveInfo, type TargetPlan } from './folder';
export {
  createPhotoCropper,
  describeCropper,
  faceCropper,
  isPhotoCrop,
  PHOTO_CROPS,
  wholePhotoCropper,
  type LocateSquare,
  type PhotoCrop,
  type PhotoCropper,
} from './crop';
export {
  byClass,
  checkHead,
  cropInfo,
  DEFAULT_DATA,
  disposeNetwork,
  HEAD_TOLERANCE,
  headScores,
  loadPairsNetwork,
  loadPhotos,
  missingPhotos,
  PAIR_FILES,
  PairsError,
  pairsFromFile,
  personOf,
  readPairsFile,
  runPairs,
  scorePairs,
  selectPairs,
  summarize,
  summarizeScored,
  summarizeHead,
  startDevPairs,
  type CropInfo,
  type PairRow,
  type PairsErrorCode,
  type PairsFileInfo,
  type PairsOptions,
  type PairsResult,
  type ScoredPairs,
  type ScoreOptions,
  type ScoreSummary,
  type SelectPairsOptions,
} from './pairs';
