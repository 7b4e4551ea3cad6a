import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Checks an RSMF manifest before a byte of the .rsmf is written: first against Relativity's published
 * 2.0.0 schema (vendored, see SOURCE.md), then the references the schema describes in prose but cannot
 * express (an event's participant, conversation and parent must exist, an attachment must be a file of
 * rsmf.zip). Relativity rejects a file that breaks either at ingestion; we would rather fail the export.
 */

/** An address in the sense of the schema's `idn-email` (RFC 6531: any Unicode local part and domain). */
export const IDN_EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;.]+$/u;

const SCHEMA_FILE = 'rsmf_schema_2_0_0.json';
/** Problems named in the error: enough to fix the cause, short enough to read in a job log. */
const SHOWN = 5;

/**
 * Beside this file when run from src (ts-jest); from dist, the source copy: tsc emits only what it
 * compiles or what is imported, and the schema is read, not imported (an import would make its
 * 30 kB a TypeScript type and compile it into the bundle for nothing).
 */
function schemaPath(): string {
  const here = join(__dirname, SCHEMA_FILE);
  return existsSync(here) ? here : join(__dirname, '../../../src/production/rsmf', SCHEMA_FILE);
}

let compiled: ValidateFunction | undefined;

function schemaCheck(): ValidateFunction {
  if (compiled) return compiled;
  // strictTypes off: the published schema puts `maximum` on a string (reaction value), a no-op Ajv would refuse to compile
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  addFormats(ajv);
  // ajv-formats has no idn-email; the schema uses it for participant emails
  ajv.addFormat('idn-email', IDN_EMAIL);
  compiled = ajv.compile(JSON.parse(readFileSync(schemaPath(), 'utf8')) as object);
  return compiled;
}

interface Refs {
  participants?: { id?: unknown }[];
  conversations?: { id?: unknown; participants?: unknown[]; custodian?: unknown }[];
  events?: {
    id?: unknown;
    participant?: unknown;
    conversation?: unknown;
    parent?: unknown;
    reactions?: { participants?: unknown[] }[];
    edits?: { participant?: unknown }[];
    attachments?: { id?: unknown }[];
  }[];
}

/** The references the schema states in its descriptions only; run once the schema has passed, so shapes hold. */
function referenceProblems(m: Refs, zipFiles: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const participants = new Set((m.participants ?? []).map((p) => p.id));
  const conversations = new Set((m.conversations ?? []).map((c) => c.id));
  const events = new Set((m.events ?? []).map((e) => e.id).filter((id) => id !== undefined));
  const need = (ok: boolean, path: string, what: string) => {
    if (!ok) problems.push(`${path} ${what}`);
  };
  const participant = (id: unknown, path: string) => need(participants.has(id), path, `names no participant: ${String(id)}`);
  if (participants.size !== (m.participants ?? []).length) problems.push('/participants has duplicate ids');
  if (events.size !== (m.events ?? []).filter((e) => e.id !== undefined).length) problems.push('/events has duplicate ids');
  (m.conversations ?? []).forEach((c, i) => {
    (c.participants ?? []).forEach((p, j) => participant(p, `/conversations/${i}/participants/${j}`));
    if (c.custodian !== undefined)
      need((c.participants ?? []).includes(c.custodian), `/conversations/${i}/custodian`, 'is not a participant of the conversation');
  });
  (m.events ?? []).forEach((e, i) => {
    const at = `/events/${i}`;
    if (e.participant !== undefined) participant(e.participant, `${at}/participant`);
    if (e.conversation !== undefined) need(conversations.has(e.conversation), `${at}/conversation`, `names no conversation: ${String(e.conversation)}`);
    if (e.parent !== undefined) need(events.has(e.parent) && e.parent !== e.id, `${at}/parent`, `names no other event: ${String(e.parent)}`);
    (e.reactions ?? []).forEach((r, j) => (r.participants ?? []).forEach((p, k) => participant(p, `${at}/reactions/${j}/participants/${k}`)));
    (e.edits ?? []).forEach((x, j) => participant(x.participant, `${at}/edits/${j}/participant`));
    (e.attachments ?? []).forEach((a, j) => need(zipFiles.has(a.id as string), `${at}/attachments/${j}/id`, `is no file of rsmf.zip: ${String(a.id)}`));
  });
  return problems;
}

/** Throws naming the first problems (by JSON pointer) unless `manifest` is a valid RSMF 2.0.0 manifest whose attachments are `zipFiles`. */
export function validateManifest(manifest: unknown, zipFiles: Iterable<string>): void {
  const check = schemaCheck();
  const problems = check(manifest)
    ? referenceProblems(manifest as Refs, new Set(zipFiles))
    : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  if (problems.length === 0) return;
  const more = problems.length > SHOWN ? ` (and ${problems.length - SHOWN} more)` : '';
  throw new Error(`invalid RSMF manifest: ${problems.slice(0, SHOWN).join('; ')}${more}`);
}
