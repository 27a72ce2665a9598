/**
 * The one place where the face-recognition pipeline reaches into other tools: the bench's LFW face
 * crop and detector files (tools/lfw) and the ROC metrics (tools/common).
 */
export { createPhotoCropper, describeCropper, faceModelPath, fileModelHandler, type PhotoCropper } from '../../tools/lfw';
export { rocAuc, equalErrorRate, kFoldAccuracy, bestAccuracyThreshold } from '../../tools/common';
