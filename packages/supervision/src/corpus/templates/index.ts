import type { CorpusLanguage } from '../types';
import { EN } from './en';
import { ES } from './es';
import { FR } from './fr';
import { JA } from './ja';
import type { LanguageTemplates } from './types';
import { ZH_HANS } from './zh-hans';
import { ZH_HANT } from './zh-hant';

export const CORPUS_TEMPLATES: Readonly<Record<CorpusLanguage, LanguageTemplates>> = { en: EN, 'zh-Hans': ZH_HANS, 'zh-Hant': ZH_HANT, ja: JA, es: ES, fr: FR };
