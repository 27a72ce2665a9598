/**
 * Verification: cached verification embeddings, the reference decision rule, and a frame loop.
 * No React; the UI wraps these in hooks.
 */
export { decide, type Decision, type Thresholds } from './decision';
export { createVerifier, VerifyError, type Verifier, type VerifierOptions, type VerifyErrorCode } from './verifier';
export { runVerificationLoop, defaultNextTick, type FrameResult, type LoopStats, type VerificationLoopOptions } from './loop';
