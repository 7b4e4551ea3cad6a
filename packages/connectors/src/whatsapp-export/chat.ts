import { createHash } from 'node:crypto';
import { RejectedInputError } from '@custody/errors';
import type { Participant } from '@custody/envelope';
import { lineText, readLines } from '../import-shared/lines';
import { DateOrderEvidence, type DayMonthOrder } from './date-order';
import { classifyBody, lineShape, type DateOrder } from './parse';
import { accountParticipant, sameParticipant, senderParticipant } from './participants';

/** What only the whole file tells: date order, who takes part, whether it is a group. */
export interface Chat {
  order: DateOrder;
  conversation: { id: string; type: 'direct' | 'group'; title?: string };
  /** Sender name as written → participant, or the rejection its name earns (an invalid number). */
  people: Map<string, Participant | RejectedInputError>;
  account?: Participant;
  /** True when the exporting account was recognised among the senders, so other senders are inbound. */
  accountSeen: boolean;
}

const GROUP_EVENT = /(?: added | removed | left$| joined using|created group|changed the subject|changed this group's|changed the group)/;

export async function scanChat(chatFile: string, fileTitle: string | undefined, account: string | undefined, dateOrder?: DayMonthOrder): Promise<Chat> {
  const evidence = new DateOrderEvidence();
  let lineNo = 0;
  const names = new Set<string>();
  let groupEvents = false;
  let systemTitle: string | undefined;
  const decoder = new TextDecoder('utf-8');
  for await (const line of readLines(chatFile)) {
    lineNo++;
    const shape = lineShape(lineText(line.bytes, decoder));
    if (shape.kind !== 'header') continue;
    const body = classifyBody(shape.header.body);
    evidence.add(shape.header, lineNo, body.kind === 'message' ? body.media?.fileName : undefined);
    if (body.kind !== 'system') names.add(body.sender);
    else {
      groupEvents ||= GROUP_EVENT.test(body.text);
      // iOS attributes the encryption notice to the chat's own name (the contact or the group)
      if (/end-to-end encrypted/.test(body.text)) systemTitle ??= body.sender;
    }
  }
  // refused before anything else is worked out: nothing of a file with undecidable dates is archived
  const order = evidence.decide(dateOrder);
  const accountP = account ? accountParticipant(account) : undefined;
  const people = new Map<string, Participant | RejectedInputError>();
  let accountSeen = false;
  for (const name of [...names].sort()) {
    let p: Participant | RejectedInputError;
    try {
      p = senderParticipant(name, `sender "${name}"`);
    } catch (err) {
      if (!(err instanceof RejectedInputError)) throw err;
      p = err;
    }
    if (accountP && !(p instanceof RejectedInputError) && sameParticipant(p, accountP)) {
      accountSeen = true;
      p = { ...accountP, displayName: name };
    }
    people.set(name, p);
  }
  const title = fileTitle ?? systemTitle;
  const members =
    title ??
    `members-${createHash('sha256')
      .update([...names].sort().join('\n'))
      .digest('hex')
      .slice(0, 16)}`;
  const distinct = people.size + (accountP && !accountSeen ? 1 : 0);
  return {
    order,
    conversation: { id: `whatsapp-export:${accountP?.value ?? '-'}:${members}`, type: groupEvents || distinct > 2 ? 'group' : 'direct', title },
    people,
    account: accountP,
    accountSeen,
  };
}

/** Everyone in the chat but the sender: the other senders seen, and the exporting account. */
export function recipientsOf(chat: Chat, sender: Participant): Participant[] {
  const out: Participant[] = [];
  const candidates = [...chat.people.values(), ...(chat.account ? [chat.account] : [])];
  for (const p of candidates) {
    if (p instanceof RejectedInputError || sameParticipant(p, sender) || out.some((o) => sameParticipant(o, p))) continue;
    out.push(p);
  }
  return out;
}
