/**
 * The face-recognition kit of the Node tools (the bench's pairs and speed parts, scripts/facerec's
 * pretraining pipeline) and their tests: the chip functions that turn an LFW photo into the
 * backbone's 150×150 input ('aligned' is the app's chip), the shipped backbone and head read from
 * disk, and LFW pair matching with the tower. Node only (it reads files); the network itself is
 * src/facerec, the LFW files tools/lfw.
 */
export { alignedChips, CENTER_CROP, CHIP_FUNCTIONS, createChipFunction, type ChipFunction } from './chips';
export { BACKBONE_DISK_DIR, diskFetch, loadBackboneFromDisk, loadHeadFromDisk, PUBLIC_DIR } from './model-files';
export {
  checkFaceRecHead,
  describePhotos,
  euclidean,
  runFaceRecPairs,
  scoreDescribedPairs,
  summarizeFaceRec,
  type DescribeOptions,
  type FaceRecHeadSummary,
  type FaceRecPairsOptions,
  type FaceRecPairsResult,
  type FaceRecScored,
} from './pairs';
