import { createElement as h } from 'react';
import { currentText, personName } from '../../thread-format';
import type { ThreadEvent } from '../../thread-types';
import { Hidden, Time } from './context';

/**
 * A message's text as it reads now (its last version when edited). A deleted message keeps its text,
 * struck through but readable, with who deleted it and when: the archive hides nothing.
 */
export function MessageBody({ event, zone }: { event: Pick<ThreadEvent, 'text' | 'versions' | 'deletions' | 'subject' | 'attachments'>; zone: string }) {
  const text = currentText(event);
  const deleted = event.deletions.length > 0;
  const first = event.deletions[0];
  return h(
    'div',
    { className: 'message-body' },
    event.subject && h('p', { className: 'bubble-subject' }, event.subject),
    text === null
      ? event.attachments.length === 0 && h('p', { className: 'bubble-text muted' }, '(no text)')
      : h('p', { className: 'bubble-text' }, deleted ? h('del', { dateTime: first.at }, h(Hidden, null, 'Deleted text: '), text) : text),
    deleted &&
      h(
        'ul',
        { className: 'deletions' },
        ...event.deletions.map((d) =>
          h('li', { key: d.recordId, className: 'deletion-note' }, `Deleted by ${personName(d.by)} at `, h(Time, { iso: d.at, zone })),
        ),
      ),
  );
}
