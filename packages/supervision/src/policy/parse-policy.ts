import { LineCounter, isAlias, isNode, parseDocument, visit, type Document } from 'yaml';
import { RejectedInputError, jsonSyntaxMessage } from '@custody/errors';
import { Policy } from './schema';

/** A policy file is a few kilobytes; this bound keeps a hostile upload from costing more than a parse of that size. */
export const POLICY_SOURCE_LIMIT = 1024 * 1024;

/**
 * Reads a policy from its JSON or YAML text and validates it, match expressions included. Errors
 * name the place: `rules[2].match: NEAR needs a distance 1–50 (character 7)`, or the line and
 * column of a YAML or JSON defect. YAML is read as YAML 1.2 core schema only: no tags (!!binary,
 * !custom), no aliases (*ref: the text a reviewer reads is the policy that runs, and there is no
 * entity-expansion bomb to defuse), no merge keys, no duplicate keys, one document.
 */
export function parsePolicy(source: string, format: 'json' | 'yaml'): Policy {
  if (source.length > POLICY_SOURCE_LIMIT) throw invalid(`a policy is at most ${POLICY_SOURCE_LIMIT} characters`);
  if (format === 'json') checkJsonSyntax(source);
  const data = readYaml(source, format === 'json' ? 'JSON' : 'YAML');
  const result = Policy.safeParse(data);
  if (!result.success) throw invalid(result.error.issues.slice(0, 5).map(formatIssue).join('; '));
  return result.data;
}

const invalid = (message: string) => new RejectedInputError('policy_invalid', message);

/**
 * JSON.parse decides what is JSON; its value is not used because it keeps the last of two equal keys
 * silently. JSON is YAML 1.2, so the same text then goes through the YAML reader, which refuses them.
 */
function checkJsonSyntax(source: string): void {
  try {
    JSON.parse(source);
  } catch (err) {
    throw invalid(`policy JSON: ${jsonSyntaxMessage(err)}`);
  }
}

function readYaml(source: string, what: 'JSON' | 'YAML'): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { version: '1.2', schema: 'core', merge: false, uniqueKeys: true, resolveKnownTags: false, strict: true, lineCounter });
  const problem = doc.errors[0] ?? doc.warnings[0];
  // the first line of a yaml error is "<what> at line L, column C:"; the lines after it quote the source
  if (problem) throw invalid(`policy ${what}: ${problem.message.split('\n')[0].replace(/:$/, '')}`);
  const refused = refusedNode(doc);
  if (refused) {
    const { line, col } = lineCounter.linePos(refused.offset);
    throw invalid(`policy ${what}: ${refused.what} is not allowed in a policy (line ${line}, column ${col})`);
  }
  return doc.toJS({ maxAliasCount: 0 });
}

function refusedNode(doc: Document): { what: string; offset: number } | undefined {
  let found: { what: string; offset: number } | undefined;
  visit(doc, (_key, node) => {
    if (isAlias(node)) found = { what: `the alias *${node.source}`, offset: node.range?.[0] ?? 0 };
    else if (isNode(node) && node.tag) found = { what: `the tag ${node.tag} on the value`, offset: node.range?.[0] ?? 0 };
    return found ? visit.BREAK : undefined;
  });
  return found;
}

/** `rules[2].match: message`: the notation people write paths of YAML and JSON documents in. */
function formatIssue(issue: { path: ReadonlyArray<PropertyKey>; message: string }): string {
  const path = issue.path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
  return `${path || '(root)'}: ${issue.message}`;
}
