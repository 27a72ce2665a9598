/**
 * The liveness check: a head turn that a flat picture cannot make. Yaw cues from the face
 * detector's keypoints (cue.ts). No React, no DOM, no tf.js.
 */
export { CUE_NAMES, MIN_EYE_DISTANCE, sideOf, yawCue, yawCues, type CueName, type KeypointSet, type Side, type YawCues } from './cue';
export { LivenessCheck, type DenyReason, type IdleReason, type LivenessFrame, type LivenessState, type Random } from './challenge';
