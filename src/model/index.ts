export { buildSiamese, buildEmbedding, wrapSiamese, stageSizes, LAYER_NAMES, type SiameseNetwork } from './siamese';
export { L1Dist } from './l1-dist';
export { registerTrainableGradients } from './gradients';
export {
  selectBackend,
  currentBackend,
  onBackendLost,
  isSoftwareRenderer,
  softwareRendererName,
  planBackend,
  probeWebGLRenderer,
  maxWasmThreads,
  type BackendName,
  type BackendReport,
  type BackendProbe,
  type BackendPlan,
  type BackendLostEvent,
  type SelectBackendOptions,
  type WasmBinary,
} from './backend';
export { preprocess, preprocessBatch, PreprocessError, type PixelData, type PixelSource, type PreprocessErrorCode } from './preprocess';
export { decodeAndPreprocess } from './decode';
export {
  saveNetwork,
  loadNetwork,
  deleteNetwork,
  exportNetworkFiles,
  importNetworkFiles,
  disposeNetwork,
  encodeNamedTensors,
  decodeNamedTensors,
  expectedWeightShapes,
  modelStore,
  ModelFileError,
  APP_ID,
  FORMAT_VERSION,
  MODEL_FILE_NAMES,
  MODEL_STORE,
  type ModelFileErrorCode,
  type NetworkMeta,
  type LoadedNetwork,
  type ModelFiles,
  type StoreOptions,
  type EncodedTensors,
  type NamedTensor,
} from './io';
export {
  PRETRAINED_PATH,
  PRETRAINED_KEY,
  hasPretrainedWeights,
  loadPretrained,
  loadPretrainedNetwork,
  loadStartingNetwork,
  shiftClassifierBias,
  versionOf,
  type PretrainedLoad,
  type PretrainedOptions,
  type PretrainedSource,
} from './pretrained';
export {
  loadAppModel,
  type AppModel,
  type LoadAppModelOptions,
  type ModelSource,
  type PretrainedInfo,
  type PretrainedInUse,
} from './app-model';
