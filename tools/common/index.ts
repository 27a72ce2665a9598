/**
 * Tool pieces that run both in Node and in a page (the bench's harness): verification error rates
 * and pair-matching accuracy on plain arrays, and seeded weights for repeatable training runs. No
 * Node built-ins here, so that bench/page can bundle it; the Node-only LFW kit is tools/lfw.
 */
export {
  accuracyAt,
  bestAccuracyThreshold,
  equalErrorRate,
  kFoldAccuracy,
  median,
  ratesAt,
  rocAuc,
  rocSummary,
  type KFoldAccuracy,
  type Rates,
  type RocSummary,
} from './metrics';
export { seedWeights } from './seeded';
