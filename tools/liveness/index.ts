/**
 * Liveness test material (Node only): spoof frames (a flat photo moved, scaled, rotated and tilted in front of a
 * webcam) for the measurement in scripts/liveness and the bench.
 */
export {
  applyHomography,
  invert3,
  mul3,
  NEUTRAL_POSE,
  photoHomography,
  spoofSweep,
  SPOOF_FRAME,
  warpPhoto,
  type Mat3,
  type PhotoPose,
  type SpoofFrame,
  type SpoofPose,
} from './spoof';
export {
  chooseLivePhotos,
  ffmpegPath,
  ffmpegPoseFrame,
  frameCue,
  LivenessClipError,
  makeLivenessClip,
  perspectiveCorners,
  photoCue,
  type ClipSegment,
  type LivePhotos,
  type LivenessClip,
} from './clips';
export { livenessFrame, photoTensor, seeFrame, type FrameSight } from './see';
