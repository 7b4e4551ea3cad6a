import { createElement as h, type ReactNode } from 'react';
import { conversationPath, recordPath } from '../../routes';
import { channelLabel } from '../../search-query';
import { isEdited, personName, sideOf } from '../../thread-format';
import type { ThreadEvent, ThreadLink } from '../../thread-types';
import { Attachments } from './Attachments';
import { CallDetails } from './CallDetails';
import { Hidden, Time, type ThreadContext } from './context';
import { EditHistory } from './EditHistory';
import { MessageBody } from './MessageBody';
import { Quote } from './Quote';
import { Reactions } from './Reactions';
import { VerificationBadge } from './VerificationBadge';

/**
 * One record of a thread: a message or a call as a bubble on its side, an edit, deletion, reaction
 * or status as a note between them (they keep their own place: nothing is hidden), each with the
 * badge of its own verification and a link to its record page.
 */
export function ThreadItem({ event, ctx, hit = false }: { event: ThreadEvent; ctx: ThreadContext; hit?: boolean }) {
  if (event.kind === 'message' || event.kind === 'call') return h(Bubble, { event, ctx, hit });
  return h(Note, { event, ctx, hit });
}

function Bubble({ event, ctx, hit }: { event: ThreadEvent; ctx: ThreadContext; hit: boolean }) {
  const side = sideOf(event);
  const edited = isEdited(event);
  const deleted = event.deletions.length > 0;
  const head = `head-${event.id}`;
  return h(
    'article',
    { className: `bubble bubble-${side}${hit ? ' bubble-hit' : ''}${deleted ? ' bubble-deleted' : ''}`, 'aria-labelledby': head },
    h(
      'header',
      { className: 'bubble-head', id: head },
      hit && h('span', { className: 'tag tag-hit' }, 'Search hit'),
      h('span', { className: 'bubble-sender' }, personName(event.sender)),
      h(Hidden, null, side === 'employee' ? ', employee side, ' : ', other party, '),
      h('span', { className: 'bubble-meta' }, event.kind === 'call' ? `Call · ${event.direction}` : event.direction),
      ' ',
      h(Time, { iso: event.sentAt, zone: ctx.zone }),
      edited && h('span', { className: 'tag tag-edited' }, 'edited'),
      deleted && h('span', { className: 'tag tag-deleted' }, 'deleted'),
    ),
    event.replyTo && h(Quote, { link: event.replyTo, conversationId: ctx.conversationId }),
    event.kind === 'call' && event.call ? h(CallDetails, { call: event.call, direction: event.direction, zone: ctx.zone }) : null,
    (event.kind === 'message' || event.text !== null) && h(MessageBody, { event, zone: ctx.zone }),
    event.editedAt !== null &&
      event.versions.length === 0 &&
      h(
        'p',
        { className: 'muted edited-note' },
        'Captured as last edited at ',
        h(Time, { iso: event.editedAt, zone: ctx.zone }),
        '; the earlier versions were not in what was captured.',
      ),
    h(EditHistory, { versions: event.versions, zone: ctx.zone }),
    h(Attachments, { attachments: event.attachments }),
    h(Reactions, { reactions: event.reactions, zone: ctx.zone }),
    h(Footer, { event, zone: ctx.zone }),
  );
}

/** An edit, deletion, reaction, status or service record in its own place, saying what it does to which message. */
function Note({ event, ctx, hit }: { event: ThreadEvent; ctx: ThreadContext; hit: boolean }) {
  const who = personName(event.sender);
  const target = event.revises ? h(TargetLink, { link: event.revises, conversationId: ctx.conversationId }) : null;
  let what: ReactNode[];
  if (event.kind === 'edit') what = [`${who} edited `, target ?? 'a message', event.text !== null ? `: “${event.text}”` : ''];
  else if (event.kind === 'deletion') what = [`${who} deleted `, target ?? 'a message'];
  else if (event.kind === 'reaction')
    what = event.emoji ? [`${who} reacted ${event.emoji} to `, target ?? 'a message'] : [`${who} removed a reaction from `, target ?? 'a message'];
  else if (event.kind === 'status' && event.status)
    what = [`Status ${event.status.status ?? 'unknown'}`, event.status.of ? ` of message ${event.status.of}` : ''];
  else if (event.action) what = [`${event.action.type.replace(/_/g, ' ')} by ${who}`, event.text !== null ? `: ${event.text}` : ''];
  else what = [`${event.kind} by ${who}`, event.text !== null ? `: ${event.text}` : ''];
  return h(
    'article',
    { className: `note${hit ? ' note-hit' : ''}`, 'aria-label': `${event.kind} record` },
    h(
      'p',
      { className: 'note-text' },
      hit && h('span', { className: 'tag tag-hit' }, 'Search hit'),
      h(Time, { iso: event.sentAt, zone: ctx.zone }),
      ' · ',
      ...what,
    ),
    h(Attachments, { attachments: event.attachments }),
    h(Footer, { event, zone: ctx.zone }),
  );
}

/** The message an edit, deletion or reaction folds into: a link to it in the thread, or "never captured". */
function TargetLink({ link, conversationId }: { link: ThreadLink; conversationId: string }) {
  if (!link.captured) return h('span', null, 'a message that was never captured (vendor id ', h('code', null, link.externalId), ')');
  return h(
    'a',
    { href: conversationPath(conversationId, link.id), 'data-nav': '', 'data-jump': link.id },
    link.sender ? `the message of ${personName(link.sender)}` : 'the message',
  );
}

function Footer({ event, zone }: { event: ThreadEvent; zone: string }) {
  return h(
    'footer',
    { className: 'bubble-foot' },
    h(VerificationBadge, { event, zone }),
    h(
      'a',
      { href: recordPath(event.id), 'data-nav': '', className: 'record-link' },
      'Record',
      h(Hidden, null, ` ${event.id.slice(0, 8)}, ${channelLabel(event.channel)}`),
    ),
  );
}
