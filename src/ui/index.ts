/**
 * The React layer's front door: the providers, panels and hooks that src/app wires into the page.
 * Everything else in ui/ is internal to it.
 */
export { AboutButton } from './about/About';
export { useCameraState } from './camera/CameraContext';
export { CameraProvider } from './camera/CameraProvider';
export { CameraView } from './camera/CameraView';
export { CaptureProvider, useCapture } from './camera/CaptureContext';
export { CaptureControls } from './camera/CaptureControls';
export { CaptureSettingsProvider } from './camera/CaptureSettings';
export { CropModeControl } from './camera/CropModeControl';
export { FaceProvider, useFace, useFaceFrame } from './camera/FaceContext';
export { backendLabel } from './common/backendLabel';
export { MessagesProvider } from './common/Messages';
export { ImportButton } from './import/ImportDialog';
export { ModelFilesPanel } from './model/ModelFilesPanel';
export { ModelProvider, useModel } from './model/ModelContext';
export { NegativesStatus } from './samples/NegativesStatus';
export { PeopleBar } from './people/PeopleBar';
export { PeopleProvider, usePeople } from './people/PeopleContext';
export { SamplesPanel } from './samples/SamplesPanel';
export { SamplesProvider } from './samples/SamplesProvider';
export { StorageIndicator } from './samples/StorageIndicator';
export { TrainingPanel } from './training/TrainingPanel';
export { VerificationOverlay } from './verify/VerificationOverlay';
export { VerificationPanel } from './verify/VerificationPanel';
export { useVerify, VerifyProvider } from './verify/VerifyContext';
