import { createElement as h } from 'react';
import { verificationStatus } from '../../thread-format';
import type { ThreadEvent } from '../../thread-types';
import { Time } from './context';

/**
 * A record's verification as the server found it reading the record back from WORM (the event's own
 * `verification` and `archive`, from GET /v1/conversations/:id or /context, never a search hit): the
 * badge says Verified or why not, and opens onto the hashes, the lock and the holds.
 */
export function VerificationBadge({ event, zone }: { event: Pick<ThreadEvent, 'id' | 'verification' | 'archive' | 'holds'>; zone: string }) {
  const status = verificationStatus(event.verification);
  const { archive, verification } = event;
  const holds = event.holds ?? [];
  return h(
    'details',
    { className: 'verification' },
    h(
      'summary',
      { className: status.verified ? 'badge badge-ok' : 'badge badge-not' },
      h('span', { 'aria-hidden': true, className: 'badge-icon' }, status.verified ? '✓' : '!'),
      status.verified ? 'Verified' : `Not verified: ${status.reason}`,
    ),
    h(
      'dl',
      { className: 'verification-facts' },
      h('dt', null, 'Object SHA-256'),
      h('dd', null, h('code', { className: 'hash' }, archive?.sha256 ?? 'not given'), ` (${verification?.objectSha256 ?? 'not checked'})`),
      h('dt', null, 'Envelope integrity'),
      h('dd', null, verification?.envelopeIntegrity ?? 'not checked'),
      h('dt', null, 'Record log'),
      h('dd', null, verification?.recordLog ?? 'not checked', verification?.logSequence !== undefined ? ` (leaf ${verification.logSequence})` : null),
      h('dt', null, 'Locked until'),
      h(
        'dd',
        null,
        archive?.retainUntil ? h(Time, { iso: archive.retainUntil, zone }) : 'No retention lock',
        archive?.retentionMode ? ` (${archive.retentionMode.toLowerCase()} mode)` : null,
      ),
      h('dt', null, 'Legal hold'),
      h('dd', null, archive?.legalHold ? 'On' : 'None'),
      h('dt', null, 'Holds'),
      h('dd', null, holds.length > 0 ? holds.join(', ') : 'None'),
      h('dt', null, 'Archive object'),
      h('dd', null, h('code', { className: 'hash' }, archive?.key ?? 'not given'), archive?.versionId ? ` (version ${archive.versionId})` : null),
    ),
  );
}
