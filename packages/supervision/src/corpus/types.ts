import type { Envelope } from '@custody/envelope';
import type { HitSpan } from '../policy';
import type { StarterPackId } from '../packs';
import type { Obfuscation } from './obfuscate';

/** The six languages of the starter packs. */
export const CORPUS_LANGUAGES = ['en', 'zh-Hans', 'zh-Hant', 'ja', 'es', 'fr'] as const;
export type CorpusLanguage = (typeof CORPUS_LANGUAGES)[number];

/**
 * The envelope's message channels. WeChat reaches the archive as WeCom (the envelope has no wechat
 * channel). Voice is left out: a call reaches screenEnvelope without a transcript zone yet, so a
 * transcript would never be screened.
 */
export const CORPUS_CHANNELS = ['whatsapp', 'wecom', 'signal', 'telegram', 'line', 'sms', 'email'] as const;
export type CorpusChannel = (typeof CORPUS_CHANNELS)[number];

/**
 * positive: written to be flagged by one pack; obfuscated-positive: the same, one word disguised;
 * hard-negative: close to a pack's lexicon but benign for it (it may still be a positive for
 * another pack, which its labels say); neutral: ordinary business talk; newsletter: long
 * broadcast text with disclaimers; short: under six words.
 */
export const CORPUS_CATEGORIES = ['positive', 'obfuscated-positive', 'hard-negative', 'neutral', 'newsletter', 'short'] as const;
export type CorpusCategory = (typeof CORPUS_CATEGORIES)[number];

/** A hit a pack should give, as its rule, zone and the UTF-16 spans of the zone's original text. */
export interface ExpectedHit {
  ruleId: string;
  zone: 'subject' | 'body';
  spans: HitSpan[];
}

export interface CorpusMessage {
  /** Stable across runs and corpus sizes: the n-th message of a seed is the same whatever the size. */
  id: string;
  category: CorpusCategory;
  language: CorpusLanguage;
  channel: CorpusChannel;
  direction: 'inbound' | 'outbound';
  text: string;
  subject?: string;
  /** The pack a positive or hard negative was written for. */
  writtenFor?: StarterPackId;
  /** How an obfuscated positive's word was disguised. */
  obfuscation?: Obfuscation;
  /** Per starter pack, the hits it should give, in matchPolicy order (rule, then zone); empty when none. */
  expected: Record<StarterPackId, ExpectedHit[]>;
  /** The message as Custody archives it, for screenEnvelope. */
  envelope: Envelope;
}
