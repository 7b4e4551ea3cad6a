import { RejectedInputError } from '@custody/errors';

/**
 * A strict reader for the small, flat XML documents WeCom sends. General-purpose XML parsers resolve
 * DTDs and entities (billion laughs, XXE); this one accepts only elements, text, CDATA, the five
 * predefined entities and numeric character references. Anything else is refused, not ignored.
 */
export interface XmlElement {
  name: string;
  text: string;
  children: XmlElement[];
}

// WeCom messages are a few kilobytes, two levels deep; the limits leave room and nothing more
const LIMITS = { maxBytes: 1024 * 1024, maxDepth: 4, maxElements: 512 };

const NAME = /[A-Za-z_][A-Za-z0-9_.-]{0,63}/y;
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
// XML 1.0 Char production: C0 controls other than tab, LF, CR are not characters at all
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const DECLARATION = /^<\?xml\s+version\s*=\s*(["'])1\.[0-9]\1(\s+encoding\s*=\s*(["'])utf-8\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*\?>/i;

export function parseXml(raw: Buffer, what: string): XmlElement {
  if (raw.length > LIMITS.maxBytes) throw new RejectedInputError('xml_too_large', `${what}: XML is ${raw.length} bytes, the limit is ${LIMITS.maxBytes}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new RejectedInputError('not_utf8', `${what}: body is not valid UTF-8`);
  }
  if (text.trim() === '') throw new RejectedInputError('empty_body', `${what}: body is empty`);
  return new Reader(text, what).document();
}

/**
 * The root's leaf children as name → text. A repeated name is refused: a signature checked over one
 * <Encrypt> while another is decrypted would be a bypass.
 */
export function xmlFields(root: XmlElement, what: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const seen = new Set<string>();
  for (const child of root.children) {
    if (seen.has(child.name)) throw new RejectedInputError('xml_malformed', `${what}: element <${child.name}> appears more than once`);
    seen.add(child.name);
    if (child.children.length === 0) out[child.name] = child.text;
  }
  return out;
}

class Reader {
  private pos = 0;
  private elements = 0;

  constructor(
    private readonly s: string,
    private readonly what: string,
  ) {}

  document(): XmlElement {
    this.skipSpace();
    const decl = DECLARATION.exec(this.s.slice(this.pos, this.pos + 200));
    if (decl) this.pos += decl[0].length;
    this.skipSpace();
    if (!this.s.startsWith('<', this.pos)) this.malformed('expected the root element');
    const root = this.element(1);
    this.skipSpace();
    if (this.pos < this.s.length) {
      if (this.s.startsWith('<!', this.pos) || this.s.startsWith('<?', this.pos)) this.forbidden();
      this.malformed('content after the root element');
    }
    return root;
  }

  private element(depth: number): XmlElement {
    if (depth > LIMITS.maxDepth) throw new RejectedInputError('xml_too_deep', `${this.what}: elements nested deeper than ${LIMITS.maxDepth} levels`);
    if (++this.elements > LIMITS.maxElements) throw new RejectedInputError('xml_too_large', `${this.what}: more than ${LIMITS.maxElements} elements`);
    if (this.s.startsWith('<!', this.pos) || this.s.startsWith('<?', this.pos)) this.forbidden();
    this.pos++; // '<'
    const name = this.name();
    this.skipSpace();
    const el: XmlElement = { name, text: '', children: [] };
    if (this.s.startsWith('/>', this.pos)) {
      this.pos += 2;
      return el;
    }
    if (this.s[this.pos] !== '>') this.malformed(`<${name}>: attributes are not accepted`);
    this.pos++;
    let text = '';
    for (;;) {
      if (this.pos >= this.s.length) this.malformed(`<${name}> is not closed`);
      if (this.s.startsWith('</', this.pos)) break;
      if (this.s.startsWith('<![CDATA[', this.pos)) {
        const end = this.s.indexOf(']]>', this.pos + 9);
        if (end < 0) this.malformed('unterminated CDATA section');
        text += this.chars(this.s.slice(this.pos + 9, end));
        this.pos = end + 3;
      } else if (this.s[this.pos] === '<') {
        el.children.push(this.element(depth + 1));
      } else {
        const end = this.s.indexOf('<', this.pos);
        text += this.decode(this.s.slice(this.pos, end < 0 ? this.s.length : end));
        this.pos = end < 0 ? this.s.length : end;
      }
    }
    this.pos += 2;
    if (this.name() !== name) this.malformed(`<${name}> is closed by a different tag`);
    this.skipSpace();
    if (this.s[this.pos] !== '>') this.malformed(`</${name}> is not terminated`);
    this.pos++;
    if (el.children.length > 0 && text.trim() !== '') this.malformed(`<${name}> mixes text and elements`);
    el.text = el.children.length > 0 ? '' : text;
    return el;
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.s);
    if (!m) this.malformed('expected an element name');
    if (FORBIDDEN_NAMES.has(m[0])) throw new RejectedInputError('forbidden_key', `${this.what}: element name "${m[0]}" is not allowed`);
    this.pos += m[0].length;
    return m[0];
  }

  private decode(raw: string): string {
    return this.chars(raw).replace(/&([^;&<]{0,64})(;?)/g, (_, ref: string, semi: string) => {
      if (!semi || !/^(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z_:][\w.:-]*)$/.test(ref)) this.malformed('"&" must start an entity or character reference');
      if (Object.hasOwn(PREDEFINED, ref)) return PREDEFINED[ref];
      const num = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
      if (!num && !ref.startsWith('#')) {
        throw new RejectedInputError(
          'xml_forbidden',
          `${this.what}: entity reference &${ref.slice(0, 32)}; is not allowed (only &lt; &gt; &amp; &quot; &apos; and numeric references)`,
        );
      }
      if (!num) this.malformed(`&${ref.slice(0, 32)}; is not a valid character reference`);
      const code = num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2], 10);
      const ok =
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) ||
        (code >= 0x10000 && code <= 0x10ffff);
      if (!ok) this.malformed(`&${ref}; is not a valid XML character`);
      return String.fromCodePoint(code);
    });
  }

  private chars(s: string): string {
    if (NOT_XML_CHAR.test(s)) this.malformed('control characters are not allowed in XML');
    return s;
  }

  private forbidden(): never {
    const head = this.s.slice(this.pos, this.pos + 10).toUpperCase();
    const what = head.startsWith('<!DOCTYPE')
      ? 'a DOCTYPE'
      : head.startsWith('<!ENTITY')
        ? 'an ENTITY declaration'
        : head.startsWith('<!--')
          ? 'a comment'
          : head.startsWith('<?')
            ? 'a processing instruction'
            : 'a markup declaration';
    throw new RejectedInputError('xml_forbidden', `${this.what}: ${what} is not allowed`);
  }

  private skipSpace(): void {
    while (this.pos < this.s.length && ' \t\r\n'.includes(this.s[this.pos])) this.pos++;
  }

  private malformed(reason: string): never {
    throw new RejectedInputError('xml_malformed', `${this.what}: malformed XML: ${reason}`);
  }
}
