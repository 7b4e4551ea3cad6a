import { createHash } from 'node:crypto';
import type { ArchiveStore } from '@custody/archive-store';
import { isRawRef, type Attachment, type Envelope } from '@custody/envelope';
import { IntegrityError, mapLimit } from '@custody/errors';
import type { Export } from '@custody/policy';
import { pipeline } from 'node:stream/promises';
import {
  attachmentContent,
  pointedAt,
  rawEvidence,
  readVerifiedBytes,
  renderRsmf,
  type RecordVersions,
  renderTranscript,
  threadView,
  type AttachmentContent,
  type ConversationDocument,
  type RawEvidence,
  type ThreadEvent,
  type VerifiedRecord,
} from '@custody/review';
import type { ProducedDocument, ProducedRecord, UnitLedger } from './ledger';
import type { PackageWriter, StoredFile } from './package-writer';
import { attachmentPath, documentPaths, emlPath, productionNumber } from './paths';
import type { PlannedRecord, Unit } from './plan';

/** WORM reads in flight for one unit. */
const READ_CONCURRENCY = 8;

export interface UnitContext {
  store: ArchiveStore;
  /** Which version of each record to read: the one its record log names. */
  versions: RecordVersions;
  exp: Export;
  writer: PackageWriter;
  /** `Custody <version>`: written into every document that names its producer. */
  generator: string;
  /** Every planned record id, and the edits, deletions and reactions of each planned message. */
  plan: { ids: Set<string>; historyOf: Map<string, PlannedRecord[]> };
}

type Read = { record: VerifiedRecord; bytes: Buffer };

/**
 * What a unit reads besides its records, each once: an attachment's content is looked up for its hash
 * (documents list it), opened by the renderers and copied into the native files; a delivery shared by
 * several records (or an e-mail's) is read and checked once.
 */
interface UnitSources {
  content(recordId: string, a: Attachment): Promise<AttachmentContent | undefined>;
  evidence(env: Envelope): Promise<RawEvidence | undefined>;
}

function unitSources(store: ArchiveStore, tenant: string): UnitSources {
  const contents = new Map<string, Promise<AttachmentContent | undefined>>();
  const deliveries = new Map<string, Promise<Buffer>>();
  return {
    content(recordId, a) {
      const key = `${recordId}/${a.id}`;
      let found = contents.get(key);
      if (!found) contents.set(key, (found = attachmentContent(store, tenant, recordId, a)));
      return found;
    },
    evidence: (env) => rawEvidence(store, env, deliveries),
  };
}

/**
 * Produces one volume of a conversation in every format asked for: an RSMF file per UTC day, one
 * PDF transcript, the native records and their raw parts, each e-mail as captured. Every record is
 * read from WORM with both hashes re-checked (a failure stops the export naming the record); the
 * history folded into a message comes from records of the same production, whatever their volume.
 */
export async function produceUnit(ctx: UnitContext, unit: Unit, start: number): Promise<UnitLedger> {
  const { exp } = ctx;
  const own = unit.records.map((r) => r.id);
  const read = new Map<string, Read>();
  const readAll = (ids: string[]) =>
    mapLimit(
      ids.filter((id) => !read.has(id)),
      READ_CONCURRENCY,
      async (id) => void read.set(id, await readVerifiedBytes(ctx.versions, id)),
    );
  await readAll(own);
  await readAll([...new Set(own.flatMap((id) => (ctx.plan.historyOf.get(id) ?? []).map((r) => r.id)))]);
  const envelopes = own.map((id) => read.get(id)!.record.envelope);
  await readAll(pointedAt(envelopes).filter((id) => ctx.plan.ids.has(id)));

  const events = threadView({
    page: own.map((id) => ({ ...read.get(id)!.record, holds: [] })),
    history: [...read.values()].map((r) => r.record),
    elsewhere: new Map([...read].map(([id, r]) => [id, r.record.envelope])),
  });
  const sources = unitSources(ctx.store, exp.tenant);
  await describeAttachments(sources, read, events);
  const first = envelopes[0];
  const people = envelopes.flatMap((e) => [e.sender, ...e.recipients]);
  const custodians = [...new Set(people.flatMap((p) => (p.employeeId ? [p.employeeId] : [])))].sort();
  const participants = [...new Set(people.map((p) => p.value))].sort();
  const doc: ConversationDocument = {
    tenant: exp.tenant,
    matter: exp.name,
    exportId: exp.id,
    conversation: {
      id: unit.conversationId,
      channel: first.channel,
      type: first.conversation.type,
      ...(first.conversation.title && { title: first.conversation.title }),
    },
    period: { from: first.sentAt, to: envelopes[envelopes.length - 1].sentAt },
    events,
    custodians,
    attachments: attachmentsOf(
      sources,
      [...read.values()].map((r) => r.record.envelope),
    ),
  };
  const paths = documentPaths(unit.conversationId, unit.volume);
  const documents: ProducedDocument[] = [];
  let next = start;
  const document = (
    stored: StoredFile,
    format: ProducedDocument['format'],
    records: string[],
    period: { from: string; to: string },
    pages?: number,
  ): ProducedDocument => {
    const begin = productionNumber(exp.batesPrefix, next);
    next += pages ?? 1;
    const end = productionNumber(exp.batesPrefix, next - 1);
    return {
      ...stored,
      format,
      begin,
      end,
      ...(pages !== undefined && { pages }),
      conversationId: unit.conversationId,
      channel: first.channel,
      custodians,
      participants,
      beginTime: period.from,
      endTime: period.to,
      records,
    };
  };
  const formats = new Set(exp.formats);

  if (formats.has('rsmf')) {
    for (const slice of unit.slices) {
      const ids = new Set(slice.records.map((r) => r.id));
      const dayEvents = events.filter((e) => ids.has(e.id));
      const period = { from: dayEvents[0].sentAt, to: dayEvents[dayEvents.length - 1].sentAt };
      const { file } = await ctx.writer.spool((out) => renderRsmf({ ...doc, events: dayEvents, period }, out, { generator: ctx.generator }));
      documents.push(document(await ctx.writer.putFile(paths.rsmf(slice.day, slice.part), file, 'message/rfc822'), 'rsmf', [...ids], period));
    }
  }
  if (formats.has('pdf')) {
    const bates = { prefix: exp.batesPrefix, start: next, digits: 8 };
    const { file, result } = await ctx.writer.spool((out) => renderTranscript(doc, out, { timeZone: exp.timeZone, bates, generator: ctx.generator }));
    documents.push(document(await ctx.writer.putFile(paths.pdf, file, 'application/pdf'), 'pdf', own, doc.period, result.pages));
  }
  const records: ProducedRecord[] = own.map((id) => {
    const r = read.get(id)!.record;
    return {
      id,
      key: r.archive.key,
      ...(r.archive.versionId && { versionId: r.archive.versionId }),
      objectSha256: r.archive.sha256,
      envelopeSha256: r.envelope.integrity.sha256,
      conversationId: unit.conversationId,
    };
  });
  const attachments: UnitLedger['attachments'] = [];
  if (formats.has('jsonl')) {
    const lines = own.map((id) => {
      const bytes = read.get(id)!.bytes;
      // JSON Lines of the archived bytes themselves: an envelope is archived on one line
      if (bytes.includes(0x0a))
        throw new IntegrityError(`record ${id}: archived envelope spans several lines; it cannot be produced byte for byte as JSON Lines`);
      return bytes;
    });
    const jsonl = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
    documents.push(document(await ctx.writer.putFile(paths.jsonl, jsonl, 'application/x-ndjson'), 'jsonl', own, doc.period));
    for (const env of envelopes) attachments.push(...(await nativeAttachments(ctx, sources, env)));
    const parts = await rawParts(ctx, sources, envelopes, paths.raw);
    for (const [i, part] of parts.entries()) if (part) records[i].raw = part;
  }
  if (formats.has('eml')) {
    for (const env of envelopes) {
      const eml = env.channel === 'email' && env.kind === 'message' ? await originalEmail(sources, env) : undefined;
      if (eml)
        documents.push(document(await ctx.writer.putFile(emlPath(env.id), eml, 'message/rfc822'), 'eml', [env.id], { from: env.sentAt, to: env.sentAt }));
    }
  }
  return { seq: unit.seq, conversationId: unit.conversationId, volume: unit.volume, documents, records, attachments, next };
}

/**
 * The records' own parts of the vendor deliveries they came from, one JSON line per record in one file
 * for the unit: `{recordId, deliverySha256, deliverySize, contentType, path, part}` (`part` the event's
 * JSON, or `partBase64` for a delivery that is not JSON and the record's alone). Never a whole delivery
 * that carried other events: only the path's part, and the whole delivery's hash to prove it against.
 */
async function rawParts(ctx: UnitContext, sources: UnitSources, envelopes: Envelope[], path: string): Promise<Array<ProducedRecord['raw']>> {
  const lines: string[] = [];
  const found: Array<Omit<NonNullable<ProducedRecord['raw']>, 'file' | 'size' | 'sha256'> | undefined> = [];
  for (const env of envelopes) {
    const evidence = await sources.evidence(env);
    if (!evidence) {
      found.push(undefined);
      continue;
    }
    const { deliverySha256, deliverySize, contentType, path: at, part } = evidence;
    const partSha256 = createHash('sha256').update(part).digest('hex');
    const value = at !== undefined ? { part: JSON.parse(part.toString('utf8')) as unknown } : { partBase64: part.toString('base64') };
    found.push({ deliverySha256, deliverySize, ...(at !== undefined && { path: at }), line: lines.length + 1, partSha256 });
    lines.push(JSON.stringify({ recordId: env.id, deliverySha256, deliverySize, contentType, ...(at !== undefined && { path: at }), partSha256, ...value }));
  }
  if (lines.length === 0) return found.map(() => undefined);
  const stored = await ctx.writer.putFile(path, Buffer.from(lines.map((l) => `${l}\n`).join('')), 'application/x-ndjson');
  return found.map((f) => f && { ...f, file: stored.path, size: stored.size, sha256: stored.sha256 });
}

/** An email as captured: the message's own bytes (inline, or the archived delivery when it is the message's alone). */
async function originalEmail(sources: UnitSources, env: Envelope): Promise<Buffer | undefined> {
  const raw = env.source.raw;
  if (!isRawRef(raw)) return Buffer.from(raw.body, raw.encoding === 'base64' ? 'base64' : 'utf8');
  const evidence = await sources.evidence(env);
  return evidence && evidence.path === undefined ? evidence.part : undefined;
}

function allAttachments(env: Envelope): Attachment[] {
  return [...(env.attachments ?? []), ...(env.call?.recording ? [env.call.recording] : [])];
}

/** The thread view's attachment links resolved to their content in WORM (hash re-checked as it streams). */
function attachmentsOf(sources: UnitSources, envelopes: Envelope[]): ConversationDocument['attachments'] {
  const byHref = new Map<string, { recordId: string; attachment: Attachment }>();
  for (const env of envelopes)
    for (const a of allAttachments(env)) byHref.set(`/v1/records/${env.id}/attachments/${encodeURIComponent(a.id)}`, { recordId: env.id, attachment: a });
  return {
    async open(a) {
      const found = byHref.get(a.href);
      const content = found && (await sources.content(found.recordId, found.attachment));
      return content ? content.open() : undefined;
    },
  };
}

/**
 * The hash and size of each attachment as stored in WORM, where the vendor's webhook gave none (a
 * call recording is fetched after the call record is archived): documents list what was produced.
 */
async function describeAttachments(sources: UnitSources, read: Map<string, Read>, events: ThreadEvent[]): Promise<void> {
  for (const e of events) {
    const env = read.get(e.id)!.record.envelope;
    const views = [...e.attachments, ...(e.call?.recording ? [e.call.recording] : [])];
    for (const a of allAttachments(env)) {
      const view = views.find((x) => x.id === a.id);
      const content = view && (await sources.content(env.id, a));
      if (!view || !content) continue;
      view.sha256 = content.sha256;
      view.size = content.size;
    }
  }
}

/** Native attachments by SHA-256: each content once in the package, whatever records share it. */
async function nativeAttachments(ctx: UnitContext, sources: UnitSources, env: Envelope): Promise<UnitLedger['attachments']> {
  const out: UnitLedger['attachments'] = [];
  for (const a of allAttachments(env)) {
    const content = await sources.content(env.id, a);
    if (!content) continue;
    const { file } = await ctx.writer.spool(async (w) => pipeline(await content.open(), w));
    if (file.sha256 !== content.sha256) throw new IntegrityError(`attachment ${a.id} of record ${env.id}: spooled ${file.sha256}, expected ${content.sha256}`);
    out.push(await ctx.writer.putFile(attachmentPath(content.sha256), file, 'application/octet-stream'));
  }
  return out;
}
