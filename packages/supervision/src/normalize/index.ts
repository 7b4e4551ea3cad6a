export { normalize } from './normalize';
export { NORMALIZER_VERSION } from './version';
