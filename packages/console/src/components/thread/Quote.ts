import { createElement as h } from 'react';
import { conversationPath } from '../../routes';
import { personName, truncate } from '../../thread-format';
import type { ThreadLink } from '../../thread-types';
import { Hidden } from './context';

/** How much of the quoted message a reply shows. */
export const QUOTE_CHARS = 140;

/**
 * The message a reply quotes: its sender and first 140 characters, a link to it in the thread (the
 * page scrolls to it when it is loaded, or opens the thread around it). A message that was never
 * captured is said to be so, with the vendor's id.
 */
export function Quote({ link, conversationId }: { link: ThreadLink; conversationId: string }) {
  if (!link.captured) {
    return h(
      'blockquote',
      { className: 'quote quote-missing' },
      h('p', null, 'Reply to a message that was never captured (vendor id ', h('code', null, link.externalId), ').'),
    );
  }
  return h(
    'blockquote',
    { className: 'quote' },
    h(
      'a',
      { href: conversationPath(conversationId, link.id), 'data-nav': '', 'data-jump': link.id, className: 'quote-link' },
      h(Hidden, null, 'Reply to '),
      h('span', { className: 'quote-sender' }, link.sender ? personName(link.sender) : 'unknown sender'),
      h('span', { className: 'quote-text' }, link.excerpt ? truncate(link.excerpt, QUOTE_CHARS) : '(no text)'),
    ),
  );
}
