/**
 * The head-turn liveness check: a challenge a flat picture cannot pass. Yaw cues from the face
 * detector's keypoints (cue.ts; feed it keypoints refined in the face's own square, src/face
 * refineFace) and the challenge's state machine (challenge.ts), with LivenessConfig's measured
 * defaults (src/config). Plain TypeScript: no React, no DOM, no tf.js.
 */
export { CUE_NAMES, MIN_EYE_DISTANCE, sideOf, yawCue, yawCues, type CueName, type KeypointSet, type Side, type YawCues } from './cue';
export { LivenessCheck, type DenyReason, type IdleReason, type LivenessFrame, type LivenessState, type Random } from './challenge';
