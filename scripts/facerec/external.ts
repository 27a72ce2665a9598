/**
 * The one place where the face-recognition pipeline reaches into other tools: the bench's LFW face
 * crop (tools/lfw) and the ROC metrics (tools/common).
 */
export { createPhotoCropper, describeCropper, type PhotoCropper } from '../../tools/lfw';
export { rocAuc, equalErrorRate, kFoldAccuracy, bestAccuracyThreshold } from '../../tools/common';
