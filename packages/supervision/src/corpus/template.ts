/**
 * Corpus templates: message text as a person would write it, with the words a policy should flag
 * marked where the template author put them, so expected hits are known by construction and never
 * by running the matcher.
 *
 *   ⟦guaranteed⟧ ⟦returns⟧          evidence for the template group's rule(s)
 *   ⟦gifts-en|lunch is on me⟧       evidence for the named rule(s) instead (comma-separated ids)
 *   {name}                          a slot, filled from the language's slot values
 *
 * A mark's text is cut into one piece per word at spaces, hyphens and apostrophes, the granularity
 * of a highlight (the matcher joins only spans that touch): "⟦can't lose⟧" is "can", "t", "lose";
 * CJK text is written without spaces and stays one piece ("⟦保证⟧").
 */

/** A run of the rendered text: plain, or one word of evidence for some rules. */
export interface Piece {
  text: string;
  rules: readonly string[] | null;
}

const TOKEN = /⟦(?:([a-z0-9-]+(?:,[a-z0-9-]+)*)\|)?([^⟧]*)⟧|\{([a-zA-Z]+)\}/gu;
const WORD_SEPARATORS = /([\s\-'’]+)/u;

export type SlotValues = Readonly<Record<string, readonly string[]>>;

/** The template's pieces with slots filled by `fill`; throws on an empty mark or an unknown slot. */
export function parseTemplate(template: string, defaultRules: readonly string[], fill: (slot: string) => string): Piece[] {
  const pieces: Piece[] = [];
  const plain = (text: string) => {
    if (text === '') return;
    const last = pieces[pieces.length - 1];
    if (last !== undefined && last.rules === null) last.text += text;
    else pieces.push({ text, rules: null });
  };
  let at = 0;
  for (const match of template.matchAll(TOKEN)) {
    plain(template.slice(at, match.index));
    at = match.index + match[0].length;
    const [, named, marked, slot] = match;
    if (slot !== undefined) {
      plain(fill(slot));
      continue;
    }
    const rules = named !== undefined ? named.split(',') : defaultRules;
    if (marked.trim() === '' || rules.length === 0) throw new Error(`template "${template}": a mark needs text and a rule`);
    marked.split(WORD_SEPARATORS).forEach((part, i) => (i % 2 === 1 ? plain(part) : part !== '' && pieces.push({ text: part, rules })));
  }
  plain(template.slice(at));
  return pieces;
}

export interface EvidenceSpan {
  rule: string;
  start: number;
  end: number;
}

/** The text and, per rule, the UTF-16 span of every marked piece. */
export function renderPieces(pieces: readonly Piece[]): { text: string; evidence: EvidenceSpan[] } {
  let text = '';
  const evidence: EvidenceSpan[] = [];
  for (const piece of pieces) {
    const start = text.length;
    text += piece.text;
    for (const rule of piece.rules ?? []) evidence.push({ rule, start, end: text.length });
  }
  return { text, evidence };
}
