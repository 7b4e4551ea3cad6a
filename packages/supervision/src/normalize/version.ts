/**
 * The version every NormalizedText names. An examiner re-running a policy over history must get
 * byte-identical hits, and hits are found on normalized tokens, so the normalizer is versioned
 * like a policy is.
 *
 * Bump rule: ANY change to the output for ANY input (a token's text, kind or offsets, the
 * language, a tag) is a new version — a table entry, a stopword, a disclaimer phrase included.
 * The pinned corpus hash in determinism.test.ts fails on such a change so it cannot slip in
 * unnoticed; update the hash only together with this constant. Refactors that keep every output
 * identical keep the version.
 */
export const NORMALIZER_VERSION = 'custody-normalizer/1';
