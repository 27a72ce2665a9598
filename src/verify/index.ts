/**
 * Verification: cached verification embeddings, the reference decision rule, a frame loop, face
 * tracking, the per-frame crop (fixed square, or detect → crop), the app's one verification engine
 * and the stored verification images it embeds. No React; the UI wraps these in hooks.
 */
export { decide, type Decision, type Thresholds } from './decision';
export { identify, type Identification, type IdentificationReason, type PersonDecision, type PersonRule } from './identify';
export { createVerifier, VerifyError, type Verifier, type VerifierOptions, type VerifyErrorCode } from './verifier';
export { runVerificationLoop, defaultNextTick, type FrameResult, type LoopStats, type VerificationLoopOptions } from './loop';
export {
  detectFaceFrame,
  FaceTracker,
  runFaceTracking,
  type FaceFrame,
  type FaceRule,
  type FaceTrackerOptions,
  type FaceTrackingOptions,
} from './faceTracker';
export { verifyCropped, imageInput, descriptorInput, type CropSource, type CroppedResult, type FrameInput } from './cropped';
export { VerificationEngine, type EngineDeps, type EngineSnapshot, type EngineStatus, type VerificationRef } from './engine';
export { listVerificationIds, loadVerificationImages, pageDescriber, pageFrameInput } from './images';
