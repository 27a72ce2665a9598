export {
  augmentBatch,
  applyAugmentParams,
  cameraTransform,
  DEFAULT_CAMERA_PARAMS,
  AugmentError,
  type AugmentErrorCode,
  type CameraParams,
} from './augment';
export { sampleAugmentParams, IDENTITY_PARAMS, type ImageAugmentParams } from './params';
export { jpegCompress, scaledTable } from './jpeg';
export { gaussianKernel } from './ops';
