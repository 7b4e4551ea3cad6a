import { RejectedInputError } from '@custody/errors';
import { POLICY_SOURCE_LIMIT, canonicalPolicyJson, contentAddress, parsePolicy } from './index';

const YAML = `
format: custody.policy/v1
id: promissory-language
name: Promissory and guarantee language
severity: high
references:
  - FINRA Rule 2210(d)(1)(B)
scope:
  channels: [whatsapp, wecom]
  directions: [outbound]
rules:
  - id: guarantee
    description: Promises of returns
    match: guarant* NEAR/5 (return* OR profit*)
    exclude: ['"not guaranteed"']
  - id: zh-guarantee
    description: 保证收益
    match: 保证 NEAR/4 收益
    zones: [body, subject]
`;

/** The same policy: keys in another order, a set in another order, a default spelled out. */
const JSON_TEXT = JSON.stringify({
  rules: [
    { match: 'guarant* NEAR/5 (return* OR profit*)', exclude: ['"not guaranteed"'], id: 'guarantee', description: 'Promises of returns', includeTagged: false },
    { zones: ['subject', 'body'], match: '保证 NEAR/4 收益', description: '保证收益', id: 'zh-guarantee' },
  ],
  scope: { directions: ['outbound'], channels: ['wecom', 'whatsapp', 'wecom'] },
  severity: 'high',
  references: ['FINRA Rule 2210(d)(1)(B)'],
  name: 'Promissory and guarantee language',
  id: 'promissory-language',
  format: 'custody.policy/v1',
});

function errorOf(source: string, format: 'json' | 'yaml' = 'yaml'): string {
  try {
    parsePolicy(source, format);
  } catch (err) {
    expect(err).toBeInstanceOf(RejectedInputError);
    expect(err).toMatchObject({ code: 'policy_invalid', status: 400 });
    return (err as Error).message;
  }
  throw new Error('parsed');
}

/** A valid one-rule YAML policy with `rule` (YAML lines of the rule, indented by 4) or extra top-level lines. */
const withRule = (rule: string, extra = '') =>
  `format: custody.policy/v1\nid: p\nname: P\nseverity: low\n${extra}rules:\n  - id: r\n    description: d\n${rule}\n`;

describe('parsePolicy', () => {
  it('reads YAML and applies the defaults', () => {
    const policy = parsePolicy(YAML, 'yaml');
    expect(policy).toEqual({
      format: 'custody.policy/v1',
      id: 'promissory-language',
      name: 'Promissory and guarantee language',
      description: '',
      severity: 'high',
      references: ['FINRA Rule 2210(d)(1)(B)'],
      reviewerGuidance: '',
      scope: { employees: [], groups: [], channels: ['wecom', 'whatsapp'], directions: ['outbound'], externalDomains: [], externalNumbers: [] },
      rules: [
        {
          id: 'guarantee',
          description: 'Promises of returns',
          match: 'guarant* NEAR/5 (return* OR profit*)',
          exclude: ['"not guaranteed"'],
          zones: ['subject', 'body'],
          includeTagged: false,
        },
        { id: 'zh-guarantee', description: '保证收益', match: '保证 NEAR/4 收益', exclude: [], zones: ['subject', 'body'], includeTagged: false },
      ],
    });
  });

  it('reads the same policy from JSON as from YAML', () => {
    expect(parsePolicy(JSON_TEXT, 'json')).toEqual(parsePolicy(YAML, 'yaml'));
  });

  it.each([
    ['an expression', withRule('    match: a NEAR/0 b'), 'rules[0].match: NEAR needs a distance 1–50 (character 3)'],
    [
      'an exclusion',
      withRule('    match: a\n    exclude: [b, "a AND"]'),
      'rules[0].exclude[1]: expected a term, a phrase or "(" after AND, found the end (character 6)',
    ],
    ['no zone', withRule('    match: a\n    zones: []'), 'rules[0].zones: at least one zone'],
    [
      'an unknown zone',
      withRule('    match: a\n    zones: [footer]'),
      'rules[0].zones[0]: Invalid option: expected one of "subject"|"body"|"attachmentNames"|"transcript"',
    ],
    ['an unknown key', withRule('    match: a\n    weight: 3'), 'rules[0]: Unrecognized key: "weight"'],
    [
      'a bad domain',
      withRule('    match: a', 'scope:\n  externalDomains: [Example.com]\n'),
      'scope.externalDomains[0]: a lower-case domain name such as example.com',
    ],
    ['a bad number', withRule('    match: a', 'scope:\n  externalNumbers: ["0044 20"]\n'), 'scope.externalNumbers[0]: an E.164 number with a leading +'],
    [
      'a bad channel',
      withRule('    match: a', 'scope:\n  channels: [fax]\n'),
      expect.stringMatching(/^scope\.channels\[0\]: Invalid option: expected one of "whatsapp"/),
    ],
    ['a bad slug', withRule('    match: a').replace('id: p', 'id: Promissory_Language'), 'id: a slug: lower-case letters and digits joined by single dashes'],
    ['a duplicate rule id', withRule('    match: a\n  - id: r\n    description: again\n    match: b'), 'rules[1].id: duplicate rule id "r" (also rules[0])'],
    ['no rules', 'format: custody.policy/v1\nid: p\nname: P\nseverity: low\nrules: []\n', 'rules: Too small: expected array to have >=1 items'],
    ['another format', withRule('    match: a').replace('custody.policy/v1', 'custody.policy/v2'), 'format: Invalid input: expected "custody.policy/v1"'],
    ['not a mapping', '- a\n- b\n', '(root): Invalid input: expected object, received array'],
  ])('names the place of %s', (_what, source, message) => expect(errorOf(source)).toEqual(message));

  it('lists up to five problems', () => {
    const message = errorOf('format: x\nid: X\nname: ""\nseverity: none\nrules: 1\nextra: 1\n');
    expect(message.split('; ')).toHaveLength(5);
    expect(message).toMatch(/^format: /);
  });

  describe('YAML is read safely', () => {
    it.each([
      ['duplicate keys', 'id: a\nid: b\n', 'policy YAML: Map keys must be unique at line 2, column 1'],
      ['aliases', 'a: &x [1]\nb: *x\n', 'policy YAML: the alias *x is not allowed in a policy (line 2, column 4)'],
      [
        'an alias bomb',
        'a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n',
        'policy YAML: the alias *a is not allowed in a policy (line 2, column 8)',
      ],
      ['core tags', 'id: !!str 12\n', 'policy YAML: the tag tag:yaml.org,2002:str on the value is not allowed in a policy (line 1, column 11)'],
      ['other YAML 1.1 tags', 'id: !!binary aGk=\n', 'policy YAML: Unresolved tag: tag:yaml.org,2002:binary at line 1, column 5'],
      ['custom tags', 'id: !js/function x\n', 'policy YAML: Unresolved tag: !js/function at line 1, column 5'],
      ['several documents', 'id: a\n---\nid: b\n', 'policy YAML: Source contains multiple documents; please use YAML.parseAllDocuments() at line 2, column 1'],
    ])('refuses %s', (_what, source, message) => expect(errorOf(source)).toBe(message));

    it('does not merge "<<" keys: they are unknown keys', () => {
      expect(errorOf(withRule('    match: a', '<<: {description: x}\n'))).toBe('(root): Unrecognized key: "<<"');
    });
  });

  describe('JSON', () => {
    it('refuses what is not JSON, YAML included', () => {
      expect(errorOf('{id: a}', 'json')).toMatch(/^policy JSON: /);
      expect(errorOf('format: custody.policy/v1\n', 'json')).toMatch(/^policy JSON: /);
    });

    it('refuses a key given twice (JSON.parse would keep the second silently)', () => {
      expect(errorOf('{"id": "a", "id": "b"}', 'json')).toBe('policy JSON: Map keys must be unique at line 1, column 13');
    });
  });

  it(`refuses a source over ${POLICY_SOURCE_LIMIT} characters before reading it`, () => {
    expect(errorOf(`# ${'x'.repeat(POLICY_SOURCE_LIMIT)}\n`)).toBe(`a policy is at most ${POLICY_SOURCE_LIMIT} characters`);
  });
});

describe('contentAddress', () => {
  it('is the SHA-256 of the canonical JSON, the same for YAML and JSON, key order and set order', () => {
    const fromYaml = parsePolicy(YAML, 'yaml');
    const address = contentAddress(fromYaml);
    expect(address).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(contentAddress(parsePolicy(JSON_TEXT, 'json'))).toBe(address);
    // pinned: a change to the canonical form would re-address every policy version already archived
    expect(address).toBe('sha256:f3d5601ab683ee29c9526e8cc7e266a1bf972c56a4e0c917d926bda6dcae467a');
  });

  it('writes sorted keys, no whitespace, defaults applied', () => {
    const json = canonicalPolicyJson(parsePolicy(withRule('    match: a'), 'yaml'));
    expect(json).toBe(
      '{"description":"","format":"custody.policy/v1","id":"p","name":"P","references":[],"reviewerGuidance":"",' +
        '"rules":[{"description":"d","exclude":[],"id":"r","includeTagged":false,"match":"a","zones":["subject","body"]}],' +
        '"scope":{"channels":[],"directions":[],"employees":[],"externalDomains":[],"externalNumbers":[],"groups":[]},"severity":"low"}',
    );
  });

  it('canonicalizes a policy built in code, not read by parsePolicy', () => {
    const policy = parsePolicy(YAML, 'yaml');
    const reordered = { ...policy, scope: { ...policy.scope, channels: ['whatsapp', 'wecom'] as typeof policy.scope.channels } };
    expect(contentAddress(reordered)).toBe(contentAddress(policy));
  });

  it('changes with any significant change', () => {
    const policy = parsePolicy(YAML, 'yaml');
    const address = contentAddress(policy);
    const changed = [
      { ...policy, severity: 'low' as const },
      { ...policy, rules: [{ ...policy.rules[0], match: 'guarant* NEAR/6 (return* OR profit*)' }, policy.rules[1]] },
      { ...policy, rules: [policy.rules[1], policy.rules[0]] },
      { ...policy, rules: [{ ...policy.rules[0], includeTagged: true }, policy.rules[1]] },
    ].map(contentAddress);
    expect(new Set([address, ...changed]).size).toBe(5);
  });
});
