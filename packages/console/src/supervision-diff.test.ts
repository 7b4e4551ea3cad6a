import { parsePolicy, policyDiff } from '@custody/supervision';
import { changeLine, diffModel } from './supervision-diff';
import type { PolicyDiff } from './supervision-types';

const policy = (lines: string[]) =>
  parsePolicy(['format: custody.policy/v1', 'id: promissory', 'name: Promissory language', 'severity: high', ...lines].join('\n'), 'yaml');

/** The server's own diff of two versions, through JSON as the API sends it. */
const serverDiff = (before: string[], after: string[]) => JSON.parse(JSON.stringify(policyDiff(policy(before), policy(after)))) as PolicyDiff;

describe('a policy diff, as a reviewer reads it', () => {
  const v1 = [
    'rules:',
    '  - id: guarantee',
    '    description: A return promised',
    '    match: guarant* NEAR/3 return*',
    '  - id: no-risk',
    '    description: No risk',
    '    match: \'"no risk"\'',
  ];
  const v2 = [
    'scope:',
    '  channels: [sms]',
    'rules:',
    '  - id: guarantee',
    '    description: A return promised',
    '    match: guarant* NEAR/5 return*',
    '    exclude: [\'"not guaranteed"\']',
    '  - id: double',
    '    description: Doubling money',
    '    match: \'"double your money"\'',
    '    includeTagged: true',
  ];

  it('lists the rules added, removed and changed, and the scope, from the server’s own diff', () => {
    const model = diffModel(serverDiff(v1, v2));
    expect(model.summary).toBe('1 rule added, 1 rule removed, 1 rule changed, the scope changed.');
    expect(model.sections.map((s) => s.title)).toEqual(['Rules added', 'Rules removed', 'Rules changed', 'Scope changed']);
    expect(model.sections[0].items).toEqual([
      {
        heading: 'double: Doubling money',
        lines: ['Matches: "double your money"', 'Reads: subject, body', 'Also reads quoted text, signatures and disclaimers'],
      },
    ]);
    expect(model.sections[1].items[0].heading).toBe('no-risk: No risk');
    expect(model.sections[2].items).toEqual([
      { heading: 'guarantee', lines: ['exclude: added “"not guaranteed"”', 'match: “guarant* NEAR/3 return*” → “guarant* NEAR/5 return*”'] },
    ]);
    expect(model.sections[3].items).toEqual([{ heading: 'channels', lines: ['channels: added “sms”'] }]);
    expect(model.reordered).toBe(false);
  });

  it('says two versions are identical, and has nothing to list', () => {
    const model = diffModel(serverDiff(v1, v1));
    expect(model).toEqual({ summary: 'The two versions are identical.', sections: [], reordered: false });
  });

  it('says when only the order of the rules changed', () => {
    const swapped = [
      'rules:',
      '  - id: no-risk',
      '    description: No risk',
      '    match: \'"no risk"\'',
      '  - id: guarantee',
      '    description: A return promised',
      '    match: guarant* NEAR/3 return*',
    ];
    const model = diffModel(serverDiff(v1, swapped));
    expect(model.summary).toBe('The rules reordered.');
    expect(model.reordered).toBe(true);
  });

  it('words a field that appeared, went, or is a yes/no', () => {
    expect(changeLine({ field: 'description', after: 'New' })).toBe('description: set to “New”');
    expect(changeLine({ field: 'description', before: 'Old' })).toBe('description: removed (was “Old”)');
    expect(changeLine({ field: 'includeTagged', before: false, after: true })).toBe('includeTagged: no → yes');
    expect(changeLine({ field: 'zones', before: ['body', 'subject'], after: ['subject', 'body'], added: [], removed: [] })).toBe('zones: reordered');
  });
});
