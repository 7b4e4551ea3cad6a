import type { StarterPackId } from '../../packs';
import type { SlotValues } from '../template';
import type { CorpusChannel } from '../types';

/** A message body, or an email with its subject (both may hold marks, see ../template.ts). */
export type TemplateText = string | { subject: string; text: string };

/** Templates whose unnamed marks are evidence for `rules`. */
export interface RuleTemplates {
  rules: readonly string[];
  texts: readonly TemplateText[];
}

/** Everything the generator writes in one language. Marks in the unlabelled lists must name their rule. */
export interface LanguageTemplates {
  /** The channels people use in this language, repeated to weight them. */
  channels: readonly CorpusChannel[];
  slots: SlotValues;
  /** Subjects of emails whose template has none: plain business subjects. */
  subjects: readonly string[];
  positives: Readonly<Record<StarterPackId, readonly RuleTemplates[]>>;
  /** Per pack, benign messages close to its lexicon; a mark says when another pack should hit. */
  hardNegatives: Readonly<Record<StarterPackId, readonly TemplateText[]>>;
  neutral: readonly TemplateText[];
  newsletters: readonly TemplateText[];
  /** Under six words. */
  short: readonly TemplateText[];
}
