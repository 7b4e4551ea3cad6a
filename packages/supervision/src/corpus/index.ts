export { CorpusPrng } from './prng';
export { generateCorpus, CORPUS_SEED, type CorpusOptions } from './generate';
export { evaluateCorpus, type CorpusQuality, type PolicyQuality } from './evaluate';
export { wilsonInterval, bootstrapF1, type QualityEstimate } from './stats';
export * from './types';
