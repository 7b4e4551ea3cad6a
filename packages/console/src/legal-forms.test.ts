import { exportFormProblems, firstProblem, holdFormProblems, releaseProblems } from './legal-forms';

describe('legal forms', () => {
  it('a hold needs a matter and a reason, within the API’s limits', () => {
    expect(holdFormProblems({ matter: 'Acme v. Globex', reason: 'litigation' })).toEqual({});
    expect(holdFormProblems({ matter: '  ', reason: '' })).toEqual({ matter: 'Name the matter the hold is for.', reason: 'Say why the records must be held.' });
    expect(holdFormProblems({ matter: 'm'.repeat(513), reason: 'r'.repeat(4001) })).toEqual({
      matter: 'The matter is longer than 512 characters.',
      reason: 'The reason is longer than 4,000 characters.',
    });
  });

  it('a release needs a reason', () => {
    expect(releaseProblems(' settled ')).toEqual({});
    expect(releaseProblems(' ')).toEqual({ reason: 'Say why the hold is released.' });
  });

  it('an export needs a name and a format', () => {
    expect(exportFormProblems({ name: 'P1', formats: ['pdf'] })).toEqual({});
    expect(exportFormProblems({ name: '', formats: [] })).toEqual({
      name: 'Name the export (the matter or request it is for).',
      formats: 'Choose at least one format.',
    });
  });

  it('focus goes to the first field with a problem, in the form’s order', () => {
    expect(firstProblem({ reason: 'x', matter: 'y' }, ['matter', 'reason'])).toBe('matter');
    expect(firstProblem({}, ['matter', 'reason'])).toBeNull();
  });
});
