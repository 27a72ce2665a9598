/**
 * The data module's public face: sample galleries in IndexedDB, settings, storage quota, image
 * import (files, folders, tar / .tgz archives), the bundled negative pack, crop geometry, chunked
 * large values and seeded randomness. No tf.js, no React.
 */
export { createRng, deriveSeed, shuffled } from './random';
export { DEFAULT_CHUNK_BYTES, deleteChunked, getChunked, putChunked } from './chunks';
export { captureSquare, importSquare, type Square } from './crop';
export {
  DB_NAMES,
  DEFAULT_SETTINGS,
  StorageError,
  createSettingsStore,
  getSettingsStore,
  isQuotaExceeded,
  requestPersistence,
  storageInfo,
  type BundledNegativesState,
  type FailedSample,
  type SettingKey,
  type Settings,
  type SettingsStore,
  type StorageErrorCode,
  type StorageInfo,
} from './storage';
export {
  SAMPLE_KINDS,
  SAMPLE_SOURCES,
  createSampleStore,
  getSampleStore,
  isSampleKind,
  type KindCounts,
  type NewSample,
  type SampleKind,
  type SampleMeta,
  type SampleRecord,
  type SampleSource,
  type SampleStore,
} from './samples';
export {
  DEFAULT_JPEG_QUALITY,
  ImageError,
  checkImageBytes,
  createBrowserCodec,
  decodeImage,
  encodeSquare,
  outputSide,
  sniffImageFormat,
  type CodecOptions,
  type EncodedImage,
  type ImageCodec,
  type ImageErrorCode,
  type ImageFormat,
} from './image';
export { TarError, isTarName, readTar, type ReadTarOptions, type TarErrorCode, type TarFile } from './tar';
export {
  DEFAULT_MAX_FILE_BYTES,
  filesFromDataTransfer,
  filesFromEntries,
  importImages,
  type FileWithPath,
  type ImportItem,
  type ImportOptions,
  type ImportProgress,
  type ImportSummary,
  type SkipReason,
  type SkippedFile,
} from './import';
export { createBrowserSquareCodec, locatingCodec, type ImportCodec, type LocateSquare, type SquareCodec } from './locate-codec';
export {
  BUNDLED_ID_PREFIX,
  NEGATIVES_DIR,
  NegativesError,
  ensureBundledNegatives,
  type EnsureNegativesOptions,
  type EnsureNegativesResult,
  type NegativesErrorCode,
  type NegativesCropRule,
  type NegativesManifest,
  type NegativesProgress,
} from './negatives';
export * from './pairs';
export {
  DEFAULT_MARGIN,
  DEFAULT_PEOPLE,
  DEFAULT_PERSON_ID,
  DEFAULT_PERSON_NAME,
  MAX_PERSON_NAME,
  PERSON_KINDS,
  checkPersonName,
  newPersonId,
  personOf,
  validatePeopleSettings,
  type PeopleSettings,
  type Person,
  type PersonThresholds,
} from './people';
export { deletePerson, migrateToPeople } from './people-store';
