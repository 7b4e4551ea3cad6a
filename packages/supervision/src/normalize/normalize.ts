import type { NormalizedText } from '../text';
import { identifyLanguage } from './language';
import { findTags } from './tags';
import { tokenize } from './tokenize';
import { NORMALIZER_VERSION } from './version';

/**
 * The deterministic normal form of a message's text: the same input gives the same output on any
 * machine and Node version (see char-tables.ts and fold.ts for how), in time linear in its length.
 * Never throws: any string, however hostile (lone surrogates, a megabyte of emoji or combining
 * marks), has a normal form.
 */
export function normalize(text: string): NormalizedText {
  const tokens = tokenize(text);
  const tags = findTags(text, tokens);
  return { normalizer: NORMALIZER_VERSION, language: identifyLanguage(tokens, tags), tokens, tags };
}
