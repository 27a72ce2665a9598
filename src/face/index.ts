export {
  createFaceDetector,
  faceModelUrl,
  FaceDetectorError,
  type FaceDetector,
  type FaceDetectorOptions,
  type FaceDetectorErrorCode,
  type PixelSource,
} from './detector';
export { faceSquare, faceCrop, faceCentre, largestFace, boxSide, type FaceSquare, type FaceCrop, type FaceCropRule } from './crop-rule';
export {
  KEYPOINT_NAMES,
  decodeDetections,
  weightedNms,
  intersectionOverUnion,
  type Face,
  type FaceBox,
  type Keypoint,
  type KeypointName,
} from './decode';
export { ANCHOR_SPECS, generateAnchors, type AnchorSpec, type Anchors } from './anchors';
export { sharedFaceDetector, resetSharedFaceDetector } from './shared';
export { locateFace, LOCATE_FRAME, type LocateConfig } from './locate';
export { createImportLocate } from './import-locate';
export {
  alignFace,
  warpChip,
  refineFace,
  REFINE_MARGIN,
  alignmentTransform,
  applySimilarity,
  chipTemplate,
  invertSimilarity,
  similarityScale,
  squareTransform,
  validateAlignConfig,
  DEFAULT_ALIGN,
  AlignConfigError,
  type AlignConfig,
  type AlignScale,
  type Point,
  type Similarity,
  type TemplatePoint,
} from './align';
