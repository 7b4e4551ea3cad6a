import { contentAddress, parsePolicy, policyDiff, type Policy } from './index';

const base: Policy = parsePolicy(
  JSON.stringify({
    format: 'custody.policy/v1',
    id: 'off-channel',
    name: 'Off-channel solicitation',
    severity: 'medium',
    scope: { channels: ['sms', 'whatsapp'] },
    rules: [
      { id: 'text-me', description: 'Asks to move to a personal phone', match: '"text me"' },
      { id: 'whatsapp-me', description: 'Asks to move to WhatsApp', match: '"whatsapp me"' },
      { id: 'delete', description: 'Asks to delete', match: '"delete this"' },
    ],
  }),
  'json',
);

describe('policyDiff', () => {
  it('finds nothing between a version and itself', () => {
    expect(policyDiff(base, base)).toEqual({
      from: contentAddress(base),
      to: contentAddress(base),
      identical: true,
      fields: [],
      scope: [],
      rules: { added: [], removed: [], changed: [], reordered: false },
    });
  });

  it('names fields, scope sets and rules that changed', () => {
    const next: Policy = {
      ...base,
      severity: 'high',
      references: ['FINRA Rule 3110'],
      scope: { ...base.scope, channels: ['line', 'sms'] },
      rules: [
        { ...base.rules[0], match: '"text me" OR "txt me"', zones: ['body'] },
        base.rules[2],
        { id: 'offline', description: 'Take it offline', match: '"take it offline"', exclude: [], zones: ['subject', 'body'], includeTagged: false },
      ],
    };
    const diff = policyDiff(base, next);
    expect(diff).toEqual({
      from: contentAddress(base),
      to: contentAddress(next),
      identical: false,
      fields: [
        { field: 'references', before: [], after: ['FINRA Rule 3110'], added: ['FINRA Rule 3110'], removed: [] },
        { field: 'severity', before: 'medium', after: 'high' },
      ],
      scope: [{ field: 'channels', before: ['sms', 'whatsapp'], after: ['line', 'sms'], added: ['line'], removed: ['whatsapp'] }],
      rules: {
        added: [next.rules[2]],
        removed: [base.rules[1]],
        changed: [
          {
            id: 'text-me',
            changes: [
              { field: 'match', before: '"text me"', after: '"text me" OR "txt me"' },
              { field: 'zones', before: ['subject', 'body'], after: ['body'], added: [], removed: ['subject'] },
            ],
          },
        ],
        reordered: false,
      },
    });
    expect(JSON.stringify(policyDiff(base, next))).toBe(JSON.stringify(diff));
  });

  it('tells a reordering apart from a change', () => {
    const diff = policyDiff(base, { ...base, rules: [base.rules[1], base.rules[0], base.rules[2]] });
    expect(diff).toMatchObject({ identical: false, fields: [], scope: [], rules: { added: [], removed: [], changed: [], reordered: true } });
  });

  it('compares canonical forms: a set written in another order is no change', () => {
    const same = { ...base, scope: { ...base.scope, channels: ['whatsapp', 'sms'] as Policy['scope']['channels'] } };
    expect(policyDiff(base, same).identical).toBe(true);
  });
});
