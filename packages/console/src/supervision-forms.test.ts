import { DISPOSITIONS } from '@custody/supervision';
import { Tags } from '@custody/supervision-service';
import { ApiError } from './errors';
import {
  decisionProblems,
  dispositionLabel,
  formatOfFile,
  keyIdProblem,
  parseTags,
  policyIdOf,
  reasonCodeLabel,
  reviewMessage,
  textProblem,
} from './supervision-forms';

describe('a decision', () => {
  const codes = DISPOSITIONS as unknown as Record<string, string[]>;

  it('needs an outcome, one of its own reason codes and a reason', () => {
    expect(decisionProblems({ disposition: 'coached', reasonCode: 'employee_coached', reason: 'spoke to them' }, codes)).toEqual({});
    expect(decisionProblems({ disposition: '', reasonCode: '', reason: ' ' }, codes)).toEqual({
      disposition: 'Choose what was done.',
      reason: 'Write the reason.',
    });
    // a code of another outcome is refused here as the API refuses it
    expect(decisionProblems({ disposition: 'coached', reasonCode: 'term_misfire', reason: 'x' }, codes)).toEqual({
      reasonCode: 'Choose a reason code for this outcome.',
    });
  });

  it('names outcomes and reason codes in words', () => {
    expect(dispositionLabel('false_positive')).toBe('False positive');
    expect(dispositionLabel('unknown')).toBe('unknown');
    expect(reasonCodeLabel('benign_context')).toBe('Benign context');
  });
});

describe('free text, key ids and tags', () => {
  it('refuses empty and over-long text, counting what was typed', () => {
    expect(textProblem('  ', 10, 'a note')).toBe('Write a note.');
    expect(textProblem('x'.repeat(11), 10, 'a note')).toBe('Keep a note to 10 characters (it has 11).');
    expect(textProblem(' ok ', 10, 'a note')).toBeUndefined();
  });

  it('checks a key id by the API’s rule', () => {
    expect(keyIdProblem('rev-1')).toBeUndefined();
    expect(keyIdProblem('')).toMatch(/Enter the key id/);
    expect(keyIdProblem('Rev 1')).toMatch(/lowercase letters/);
  });

  it('reads tags typed with commas and spaces into what the API accepts', () => {
    const { tags, problem } = parseTags('Follow-up, client-call  follow-up');
    expect(problem).toBeUndefined();
    expect(tags).toEqual(['follow-up', 'client-call']);
    expect(Tags.safeParse({ add: tags, remove: [] }).success).toBe(true);
    expect(parseTags(' , ').problem).toBe('Enter at least one tag.');
    expect(parseTags('ok, -bad').problem).toMatch(/-bad is not/);
  });
});

describe('a refused review action', () => {
  it('says what a conflict of interest or an unbound key means for the person', () => {
    const conflict = new ApiError(403, 'conflict_of_interest', 'a reviewer may not review their own messages');
    expect(reviewMessage(conflict, 'review alerts')).toBe(
      'Conflict of interest: A reviewer may not review their own messages. Another reviewer must review this alert.',
    );
    expect(reviewMessage(new ApiError(403, 'reviewer_unbound', 'x'), 'review alerts')).toMatch(/names no employee/);
    expect(reviewMessage(new ApiError(409, 'alert_claimed', 'alert al-1 is claimed by rev-2'), 'claim alerts')).toBe(
      'Someone else is reviewing this alert: Alert al-1 is claimed by rev-2. It is theirs until they release it.',
    );
    expect(reviewMessage(new ApiError(409, 'alert_closed', 'alert al-1 is closed'), 'decide alerts')).toMatch(/^This alert is closed/);
  });

  it('falls back to the console’s words for a role refused or an alert gone', () => {
    const forbidden = new ApiError(403, 'forbidden', 'role auditor may not act on alerts (needs reviewer or compliance)');
    expect(reviewMessage(forbidden, 'claim alerts')).toBe('Your role (auditor) cannot claim alerts; it needs reviewer or compliance.');
    expect(reviewMessage(new ApiError(404, 'not_found', 'no alert'), 'read alerts')).toBe('No alert with this id exists.');
  });
});

describe('a policy source', () => {
  it('names its id in YAML (top level only) or JSON', () => {
    expect(policyIdOf('format: custody.policy/v1\nid: guarantees # the pack\nrules:\n  - id: rule-1', 'yaml')).toBe('guarantees');
    expect(policyIdOf("id: 'quoted-id'", 'yaml')).toBe('quoted-id');
    expect(policyIdOf('rules:\n  - id: rule-1', 'yaml')).toBeNull();
    expect(policyIdOf('{"id": "from-json", "rules": []}', 'json')).toBe('from-json');
    expect(policyIdOf('{not json', 'json')).toBeNull();
    expect(policyIdOf('[1]', 'json')).toBeNull();
  });

  it('takes its format from the file name', () => {
    expect(formatOfFile('policy.JSON')).toBe('json');
    expect(formatOfFile('policy.yml')).toBe('yaml');
  });
});
