import { PolicyScope, inScope, type MatchContext } from './index';

const context: MatchContext = {
  employeeIds: ['emp-7'],
  groups: ['desk-rates'],
  channel: 'wecom',
  direction: 'outbound',
  externalParticipants: [
    { kind: 'email', value: 'Client@Mail.Example.COM' },
    { kind: 'phone', value: '+85291234567' },
    { kind: 'handle', value: 'client-handle' },
  ],
};
const scope = (s: object) => PolicyScope.parse(s);

describe('inScope', () => {
  it('an empty scope screens everything', () => expect(inScope(scope({}), context)).toBe(true));

  it.each([
    ['an employee', { employees: ['emp-7'] }, true],
    ['another employee', { employees: ['emp-8'] }, false],
    ['a group', { groups: ['desk-rates'] }, true],
    ['the employee or the group', { employees: ['emp-8'], groups: ['desk-rates'] }, true],
    ['neither employee nor group', { employees: ['emp-8'], groups: ['desk-fx'] }, false],
    ['the channel', { channels: ['wecom', 'line'] }, true],
    ['another channel', { channels: ['sms'] }, false],
    ['the direction', { directions: ['outbound'] }, true],
    ['another direction', { directions: ['inbound', 'internal'] }, false],
    ['the domain, case-insensitively', { externalDomains: ['mail.example.com'] }, true],
    ['a parent domain', { externalDomains: ['example.com'] }, true],
    ['a domain that only ends the same', { externalDomains: ['ample.com'] }, false],
    ['the number', { externalNumbers: ['+85291234567'] }, true],
    ['another number', { externalNumbers: ['+85291234568'] }, false],
    ['the number or the domain', { externalNumbers: ['+15550100'], externalDomains: ['example.com'] }, true],
    ['every dimension', { employees: ['emp-7'], channels: ['wecom'], directions: ['outbound'], externalNumbers: ['+85291234567'] }, true],
    ['all dimensions but one', { employees: ['emp-7'], channels: ['wecom'], directions: ['inbound'], externalNumbers: ['+85291234567'] }, false],
  ])('%s', (_what, s, expected) => expect(inScope(scope(s), context)).toBe(expected));

  it('screens a record of unknown direction whatever the directions', () => {
    expect(inScope(scope({ directions: ['inbound'] }), { ...context, direction: 'unknown' })).toBe(true);
  });

  it('a counterparty filter leaves out a record with no external participant', () => {
    expect(inScope(scope({ externalDomains: ['example.com'] }), { ...context, externalParticipants: [] })).toBe(false);
  });

  it('stores sets deduplicated and sorted', () => {
    expect(scope({ channels: ['sms', 'line', 'sms'], directions: ['outbound', 'inbound'] })).toMatchObject({
      channels: ['line', 'sms'],
      directions: ['inbound', 'outbound'],
    });
  });
});
