export {
  startCamera,
  stopCamera,
  grabFrame,
  grabSquare,
  squareToBlob,
  cameraConstraints,
  DEFAULT_CAMERA_OPTIONS,
  type CameraHandle,
  type CameraOptions,
  type FacingMode,
} from './camera';
export { CameraError, cameraErrorCode, toCameraError, CAMERA_ERROR_CODES, CAMERA_ERROR_MESSAGES, type CameraErrorCode } from './errors';
