/**
 * The one place where the face-recognition pipeline reaches into other tools: the chip functions
 * and the shipped backbone read from disk (tools/facerec), and the ROC metrics (tools/common).
 */
export { createChipFunction, loadBackboneFromDisk, type ChipFunction } from '../../tools/facerec';
export { rocAuc, equalErrorRate, kFoldAccuracy, bestAccuracyThreshold } from '../../tools/common';
