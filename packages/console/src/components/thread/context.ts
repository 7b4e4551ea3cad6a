import { createElement as h } from 'react';
import { formatInZone } from '../../time-zone';

/*
 * The thread's components are plain .ts with createElement, not .tsx: the repository's jest unit
 * project (jest.config.js `common`) transforms only *.ts and resolves no .tsx, so this is what lets
 * thread.test.ts render them with react-dom/server in the node environment. They are pure (props in,
 * markup out, no state, no effects); links that navigate inside the console carry `data-nav` and the
 * conversation page follows them in place (see pages/Conversation.tsx).
 */

/** What every row of a thread needs to know beyond its own record. */
export interface ThreadContext {
  conversationId: string;
  /** IANA zone the times are shown in; UTC by default. */
  zone: string;
}

/** An instant in the chosen zone, its UTC value in `dateTime` for machines. */
export function Time({ iso, zone, withSeconds = true }: { iso: string; zone: string; withSeconds?: boolean }) {
  return h('time', { dateTime: iso }, formatInZone(iso, zone, withSeconds));
}

/** Text only a screen reader hears: the context a sighted reader gets from the layout. */
export function Hidden({ children }: { children: string }) {
  return h('span', { className: 'visually-hidden' }, children);
}
