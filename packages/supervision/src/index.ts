export * from './text';
export { normalize, NORMALIZER_VERSION } from './normalize';
export * from './policy';
export * from './screen';
export * from './sampling';
export * from './policy-versions';
export { starterPacks, starterPack, STARTER_PACK_IDS, STARTER_PACKS_DIR, type StarterPack, type StarterPackId } from './packs';
