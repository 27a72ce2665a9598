/** The Siamese network's architecture: defaults (the reference design) and validator. */
import { checkInt, ConfigError } from './check';

export type PoolVariant = 'paper' | 'notebook';

/** The Siamese network. The defaults are the reference design (Koch et al. / the Keras notebook). */
export interface ModelConfig {
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
export const DEFAULT_MODEL_CONFIG: ModelConfig = {
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

export function validateModelConfig(partial: Partial<ModelConfig> = {}): ModelConfig {
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
    filters: [...c.filters] as unknown as ModelConfig['filters'],
    kernels: [...c.kernels] as unknown as ModelConfig['kernels'],
  };
}
