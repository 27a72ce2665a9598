/**
 * The one place where the face-recognition pipeline reaches into other tools: the bench's LFW face
 * crop and its ROC metrics. They are being moved (bench/node → tools/lfw); change the paths here.
 */
export { createPhotoCropper, describeCropper, type PhotoCropper } from '../../bench/node/lfw-crop';
export { rocAuc, equalErrorRate, kFoldAccuracy, bestAccuracyThreshold } from '../../bench/common/metrics';
