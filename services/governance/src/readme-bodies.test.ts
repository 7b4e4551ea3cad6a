import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { EmployeeIdentifier } from '@custody/identity';
import { HoldScope, RetentionSettingsInput, presetViolation } from '@custody/policy';

/**
 * The request bodies the README shows are accepted by the schemas the routes parse them with
 * (retention: RetentionSettingsInput and the preset floors; holds: HoldScope; directory: employee
 * identifiers), and appear in the README exactly as written here.
 */
const readme = readFileSync(resolve(__dirname, '../../../README.md'), 'utf8');

const retention = {
  default: { value: 7, unit: 'years' },
  byType: { call: { value: 10, unit: 'years' } },
  byChannel: { sms: { value: 8, unit: 'years' } },
  presets: ['sec-17a-4'],
};
const hold = {
  matter: 'Acme v. Globex',
  reason: 'litigation hold',
  scope: {
    custodians: ['e-1042'],
    participants: ['+15550001111'],
    channels: ['whatsapp'],
    from: '2026-01-01T00:00:00Z',
    to: '2026-07-01T00:00:00Z',
    query: 'invoice',
  },
};
const employee = {
  name: 'Dana Reyes',
  identifiers: [
    { kind: 'phone', value: '+15550001111', from: '2025-03-01T00:00:00Z' },
    { kind: 'email', value: 'dana@acme.example' },
    { kind: 'handle', value: 'user123456789' },
  ],
};

test.each([
  ['retention', retention],
  ['hold', hold],
  ['directory entry', employee],
])('the README shows the %s body', (_what, body) => {
  expect(readme).toContain(JSON.stringify(body));
});

test('the README retention body is accepted, presets included', () => {
  const parsed = RetentionSettingsInput.parse(retention);
  expect(presetViolation(undefined, parsed, () => false)).toBeNull();
});

test('the README hold body is accepted', () => {
  expect(() =>
    z
      .object({ matter: z.string().min(1), reason: z.string().min(1), scope: HoldScope })
      .strict()
      .parse(hold),
  ).not.toThrow();
});

test('the README directory body is accepted', () => {
  expect(() =>
    z
      .object({ name: z.string().min(1).optional(), identifiers: z.array(EmployeeIdentifier) })
      .strict()
      .parse(employee),
  ).not.toThrow();
});
