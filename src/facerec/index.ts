/**
 * The face-recognition network: dlib's ResNet face descriptor (face-api.js's port of its weights)
 * as our own tf.js layers model, and the Siamese head on its 128-d descriptors. tf.js, no DOM,
 * no React.
 */
export { buildBackbone, BACKBONE_NAME, CHIP_SIZE, DESCRIPTOR_SIZE, RESIDUAL_BLOCKS } from './backbone';
export { ChannelScale, FaceRecNormalize, ZeroPadChannels, MEAN_RGB, PIXEL_DIVISOR } from './layers';
export { parseWeightsManifest, setFaceApiWeights, layerOfWeight, type WeightsManifest } from './weights';
export {
  loadBackbone,
  deleteBackboneCache,
  backboneVersion,
  BACKBONE_DIR,
  BACKBONE_MANIFEST,
  BACKBONE_KEY,
  type BackboneLoad,
  type BackboneOptions,
  type BackboneSource,
} from './load';
export { describe, describeTensor, chipsToTensor, type Chip } from './describe';
export {
  buildHead,
  buildFaceRecSiamese,
  headLogits,
  shiftHeadBias,
  stackDescriptors,
  projectionUnits,
  disposeHead,
  disposeFaceRecSiamese,
  HEAD_LAYER_NAMES,
  type HeadOptions,
} from './head';
export { loadHead, HEAD_PATH, type HeadLoad, type HeadLoadOptions } from './head-load';
export { FaceRecError, type FaceRecErrorCode } from './errors';
export { stillImageChip, frameFaceChip, centerChip, CENTER_FRACTION, CHIP_RECIPE, type StillChip } from './chip';
export {
  createFaceDescriber,
  descriptorVersion,
  createDescriptorCache,
  describeSamples,
  DESCRIPTOR_STORE,
  type FaceDescriber,
  type FaceDescriberParts,
  type CachedDescriptor,
  type DescriptorCache,
  type DescribeSamplesOptions,
  type DescribedSamples,
} from './describer';
export { sharedFaceDescriber, resetSharedFaceDescriber, type LoadedDescriber, type SharedDescriberOptions } from './shared';
