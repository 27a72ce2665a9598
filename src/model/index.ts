export { buildSiamese, buildEmbedding, wrapSiamese, stageSizes, LAYER_NAMES, type SiameseNetwork } from './siamese';
export { L1Dist } from './l1-dist';
