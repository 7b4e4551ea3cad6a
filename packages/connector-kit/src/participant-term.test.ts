import { participantTerm } from './phone';

describe('participantTerm', () => {
  test('a phone in any format is E.164, an email address lower case, anything else as given (trimmed)', () => {
    expect(participantTerm('+1 (650) 555-1234')).toBe('+16505551234');
    expect(participantTerm(' Dana.Reyes@Acme.Example ')).toBe('dana.reyes@acme.example');
    expect(participantTerm('@DanaReyes')).toBe('@DanaReyes');
    expect(participantTerm('U4af4980629')).toBe('U4af4980629');
  });
});
