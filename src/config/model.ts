/**
 * The Siamese network's architecture, for each face model: defaults and validator.
 * - 'facerec' (the app's default): dlib's face-recognition ResNet (src/facerec) turns an aligned
 *   face chip into a 128-d descriptor; the trained network is the Siamese head on two descriptors.
 * - 'koch': the reference network (Koch et al. / the Keras notebook), trained on the images.
 */
import { checkInt, ConfigError } from './check';

export type PoolVariant = 'paper' | 'notebook';

/** The face model, i.e. the first stage of each twin. */
export type FaceModel = 'facerec' | 'koch';

export const FACE_MODELS: readonly FaceModel[] = ['facerec', 'koch'];

/** Names for the user. */
export const FACE_MODEL_LABELS: Readonly<Record<FaceModel, string>> = {
  facerec: 'Face recognition ResNet',
  koch: 'Reference network (Koch et al.)',
};

/**
 * The reference network. The defaults are the reference design (Koch et al. / the Keras notebook).
 * `faceModel` is absent in configs stored before there was a choice: they are all this network.
 */
export interface KochConfig {
  readonly faceModel?: 'koch';
  /** Side of the square input image in pixels (reference: 100). Tests scale it down (>= 58). */
  readonly inputSize: number;
  /** Filters of the four convolutions (reference: 64, 128, 128, 256). */
  readonly filters: readonly [number, number, number, number];
  /** Kernel sizes of the four convolutions (reference: 10, 7, 4, 4). */
  readonly kernels: readonly [number, number, number, number];
  /** Size of the sigmoid embedding (reference: 4096). */
  readonly embeddingSize: number;
  /**
   * Max-pool window. 'paper': 2×2 stride 2 'same' (the default). 'notebook': the Keras notebook's
   * `MaxPooling2D(64, (2,2), padding='same')`, a 64×64 window with stride 2; same parameter count.
   */
  readonly pool: PoolVariant;
}
/**
 * The face-recognition network: the ResNet backbone (fixed, pretrained on about 3M faces) gives a
 * descriptor per face chip, and the Siamese network trained here is the reference head on two
 * descriptors: |p(d1) − p(d2)| → Dense(1, sigmoid), p the identity or a shared Dense sigmoid.
 */
export interface FaceRecConfig {
  readonly faceModel: 'facerec';
  /** Length of the backbone's descriptor (128). */
  readonly descriptorSize: number;
  /** Units of the shared Dense sigmoid projection before L1 (the seed's embedding stage); 0: none. */
  readonly projection: number;
}

/** Either face model's network; `faceModel` tells which (absent: 'koch'). */
export type ModelConfig = KochConfig | FaceRecConfig;

export const DESCRIPTOR_LENGTH = 128;

/** The face-recognition network as shipped: the head on the raw descriptors (a projection overfits). */
export const DEFAULT_FACEREC_CONFIG: FaceRecConfig = { faceModel: 'facerec', descriptorSize: DESCRIPTOR_LENGTH, projection: 0 };

/** The face model a config is for. */
export function faceModelOf(config: Pick<ModelConfig, 'faceModel'>): FaceModel {
  return config.faceModel === 'facerec' ? 'facerec' : 'koch';
}

/** The config as the reference network's, for code that only runs it (tools, the bench); throws for the other. */
export function asKochConfig(config: ModelConfig): KochConfig {
  if (config.faceModel === 'facerec') throw new ConfigError('faceModel', config.faceModel, "expected the reference network ('koch')");
  return config;
}

export function isFaceRecConfig(config: ModelConfig): config is FaceRecConfig {
  return config.faceModel === 'facerec';
}

/** The reference network (Koch et al.): the default of `validateModelConfig({})`. */
export const DEFAULT_MODEL_CONFIG: KochConfig = {
  inputSize: 100,
  filters: [64, 128, 128, 256],
  kernels: [10, 7, 4, 4],
  embeddingSize: 4096,
  pool: 'paper',
};

/** Parameter counts of the reference model, for tests and the loader's architecture check. */
export const REFERENCE_PARAMS = { total: 38_964_545, embedding: 38_960_448 } as const;

/** Smallest input on which the four convolutions still leave a positive spatial size. */
export const MIN_INPUT_SIZE = 58;

/** The default network of a face model. */
export function defaultModelConfig(faceModel: FaceModel): ModelConfig {
  return faceModel === 'facerec' ? DEFAULT_FACEREC_CONFIG : DEFAULT_MODEL_CONFIG;
}

export function validateFaceRecConfig(partial: Partial<FaceRecConfig> = {}): FaceRecConfig {
  const c = { ...DEFAULT_FACEREC_CONFIG, ...partial };
  if (c.faceModel !== 'facerec') throw new ConfigError('faceModel', c.faceModel, "expected 'facerec'");
  if (c.descriptorSize !== DESCRIPTOR_LENGTH)
    throw new ConfigError('descriptorSize', c.descriptorSize, `expected ${DESCRIPTOR_LENGTH} (the backbone's descriptor)`);
  checkInt('projection', c.projection, 0, 65536);
  return { faceModel: 'facerec', descriptorSize: c.descriptorSize, projection: c.projection };
}

/**
 * Fills in a config's defaults and checks it: a face-recognition config when `faceModel` is
 * 'facerec', else the reference network's (a config without `faceModel` is one, as stored before
 * the choice existed; it stays without the field, so stored configs compare equal).
 */
export function validateModelConfig(partial: Partial<FaceRecConfig>): FaceRecConfig;
export function validateModelConfig(partial?: Partial<KochConfig>): KochConfig;
export function validateModelConfig(partial?: Partial<ModelConfig>): ModelConfig;
export function validateModelConfig(partial: Partial<ModelConfig> = {}): ModelConfig {
  const face = (partial as { faceModel?: unknown }).faceModel;
  if (face === 'facerec') return validateFaceRecConfig(partial as Partial<FaceRecConfig>);
  if (face !== undefined && face !== 'koch') throw new ConfigError('faceModel', face, "expected 'facerec' or 'koch'");
  return validateKochConfig(partial as Partial<KochConfig>);
}

export function validateKochConfig(partial: Partial<KochConfig> = {}): KochConfig {
  const c = { ...DEFAULT_MODEL_CONFIG, ...partial };
  checkInt('inputSize', c.inputSize, MIN_INPUT_SIZE, 1024);
  if (!Array.isArray(c.filters) || c.filters.length !== 4) throw new ConfigError('filters', c.filters, 'expected 4 integers');
  c.filters.forEach((f, i) => checkInt(`filters[${i}]`, f, 1, 4096));
  if (!Array.isArray(c.kernels) || c.kernels.length !== 4) throw new ConfigError('kernels', c.kernels, 'expected 4 integers');
  c.kernels.forEach((k, i) => checkInt(`kernels[${i}]`, k, 1, 64));
  checkInt('embeddingSize', c.embeddingSize, 1, 65536);
  if (c.pool !== 'paper' && c.pool !== 'notebook') throw new ConfigError('pool', c.pool, "expected 'paper' or 'notebook'");
  return {
    ...c,
    filters: [...c.filters] as unknown as KochConfig['filters'],
    kernels: [...c.kernels] as unknown as KochConfig['kernels'],
  };
}
