import { ApiError, KEY_REJECTED_MESSAGE, NETWORK_MESSAGE, SESSION_EXPIRED_MESSAGE, forbiddenMessage, problemFrom, userMessage } from './errors';

describe('problemFrom', () => {
  it("reads the API's error body {error: {code, message}}", () => {
    const err = problemFrom(400, { error: { code: 'invalid_query', message: 'search: text: unbalanced parenthesis' } });
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'invalid_query', message: 'search: text: unbalanced parenthesis' });
  });

  it('reads a flat {code, message} too', () => {
    expect(problemFrom(401, { code: 'session_expired', message: 'session expired' })).toMatchObject({ code: 'session_expired', message: 'session expired' });
  });

  it('makes a code and a message of an answer that is not a problem (a proxy page, no body)', () => {
    expect(problemFrom(502, null, 'Bad Gateway')).toMatchObject({ status: 502, code: 'internal_error', message: 'HTTP 502 Bad Gateway' });
    expect(problemFrom(401, 'nope')).toMatchObject({ code: 'unauthenticated' });
  });
});

describe('forbiddenMessage', () => {
  const api = 'role reviewer may not search records (needs compliance or legal or auditor)';

  it("says the person's role and the roles needed", () => {
    expect(forbiddenMessage(api, 'search')).toBe('Your role (reviewer) cannot search; it needs compliance, legal or auditor.');
  });

  it("uses the API's words for the action when the console gives none", () => {
    expect(forbiddenMessage('role auditor may not approve a admin key (needs admin)')).toBe('Your role (auditor) cannot approve a admin key; it needs admin.');
  });

  it('shows a message of another form as it is', () => {
    expect(forbiddenMessage('tenant suspended')).toBe('tenant suspended');
  });
});

describe('userMessage', () => {
  it('says a 401 at sign-in is a key that was not accepted', () => {
    expect(userMessage(new ApiError(401, 'unauthenticated', 'unknown API key'), 'sign-in')).toBe(KEY_REJECTED_MESSAGE);
    expect(KEY_REJECTED_MESSAGE).toBe('That API key was not accepted.');
  });

  it('says a 401 session_expired elsewhere is an expired session', () => {
    expect(userMessage(new ApiError(401, 'session_expired', 'session expired'), 'search')).toBe(SESSION_EXPIRED_MESSAGE);
    expect(SESSION_EXPIRED_MESSAGE).toBe('Your session expired. Sign in again.');
  });

  it('turns a 403 into a sentence about the role', () => {
    const err = new ApiError(403, 'forbidden', 'role reviewer may not search records (needs compliance or legal or auditor)');
    expect(userMessage(err, 'search')).toBe('Your role (reviewer) cannot search; it needs compliance, legal or auditor.');
  });

  it("shows the API's own message for a rejected query, as a sentence", () => {
    expect(userMessage(new ApiError(400, 'invalid_query', 'search: text: unbalanced parenthesis'), 'search')).toBe('search: text: unbalanced parenthesis.');
  });

  it('says when Custody could not be reached, and when a record is not there', () => {
    expect(userMessage(new ApiError(0, 'network_error', NETWORK_MESSAGE), 'search')).toBe(NETWORK_MESSAGE);
    expect(userMessage(new ApiError(404, 'not_found', 'no record abc'), 'record')).toBe('No record with this id is in the archive.');
  });

  it('does not show the text of an error that is not an API answer', () => {
    expect(userMessage(new TypeError('x is undefined'), 'search')).not.toContain('undefined');
  });

  it('names what another page was doing, and says what a 404 means there', () => {
    const context = { action: 'release legal holds', notFound: 'No hold with this id.' };
    expect(userMessage(new ApiError(403, 'forbidden', 'role compliance may not release holds (needs legal)'), context)).toBe(
      'Your role (compliance) cannot release legal holds; it needs legal.',
    );
    expect(userMessage(new ApiError(404, 'not_found', 'no hold h1'), context)).toBe('No hold with this id.');
    expect(userMessage(new ApiError(404, 'not_found', 'no hold h1'), { action: 'read holds' })).toBe('no hold h1.');
  });
});
