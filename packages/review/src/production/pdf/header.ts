import type { Participant } from '@custody/envelope';
import type { ThreadEvent, ThreadPerson } from '../../thread-view';
import { APPLICATION_NAMES, type ConversationDocument } from '../document';
import { readable, type Clock } from './format';
import type { Writer } from './layout';

/** Everyone the document names, by identifier, in order of first appearance. */
interface Named {
  kind: string;
  value: string;
  /** Every name the platform showed for them: a changed name is evidence too. */
  names: string[];
  employeeIds: string[];
}

export function participants(events: ThreadEvent[]): Named[] {
  const byId = new Map<string, Named>();
  const add = (p: ThreadPerson | Participant | null | undefined) => {
    if (!p) return;
    const key = `${p.kind}:${p.value}`;
    const named = byId.get(key) ?? { kind: p.kind, value: p.value, names: [], employeeIds: [] };
    byId.set(key, named);
    if (p.displayName && !named.names.includes(p.displayName)) named.names.push(p.displayName);
    if (p.employeeId && !named.employeeIds.includes(p.employeeId)) named.employeeIds.push(p.employeeId);
  };
  for (const e of events) {
    add(e.sender);
    e.recipients.forEach(add);
    if (e.call) [e.call.from, e.call.to, e.call.forwardedFrom].forEach(add);
    add(e.action?.actor);
    e.action?.members?.forEach(add);
    add(e.replyTo?.sender);
    add(e.revises?.sender);
    e.versions.forEach((v) => add(v.by));
    e.deletions.forEach((d) => add(d.by));
    e.reactions.forEach((r) => add(r.by));
  }
  return [...byId.values()];
}

/** The first page's block: what the document is, for whom, over which period, and who is in it. */
export function header(w: Writer, doc: ConversationDocument, time: Clock, timeZone: string): void {
  const c = doc.conversation;
  w.para('Conversation transcript', { bold: true, size: 15 });
  w.gap(0.4);
  const field = (label: string, value: string) => w.para(`${label}: ${readable(value)}`);
  field('Tenant', doc.tenant);
  field('Matter', doc.matter);
  field('Export', doc.exportId);
  field('Conversation', `${c.id}${c.type ? ` (${c.type})` : ''}`);
  field('Title', c.title ?? 'none recorded');
  field('Application', APPLICATION_NAMES[c.channel] ?? c.channel);
  field('Period from', time(doc.period.from));
  field('Period to', time(doc.period.to));
  field('Time zone', `${timeZone}; every time is given in UTC and in this zone`);
  field('Events', String(doc.events.length));
  w.gap(0.4);
  w.para('Participants', { bold: true });
  for (const p of participants(doc.events)) {
    const name = p.names.length === 0 ? 'no name recorded' : p.names.join(' / ');
    const employee = p.employeeIds.length === 0 ? '' : ` — ${p.employeeIds.map((id) => `employee ${id}`).join(', ')}`;
    w.para(`• ${name} — ${p.kind} ${p.value}${employee}`, { level: 1 });
  }
  field('Custodians', doc.custodians.length === 0 ? 'none' : doc.custodians.join(', '));
  w.gap(0.8);
}
