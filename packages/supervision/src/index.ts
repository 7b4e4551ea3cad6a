export * from './text';
export { normalize, NORMALIZER_VERSION } from './normalize';
export * from './policy';
export * from './screen';
export * from './sampling';
