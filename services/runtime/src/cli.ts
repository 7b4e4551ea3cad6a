import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { sealDelivery } from '@custody/capture';
import { expectedFields, parseConnectorConfig, type AnyConnector } from '@custody/connector-kit';
import { connectorIds, getConnector, importerIds } from '@custody/connectors';
import { TENANT_ID } from '@custody/envelope';
import { CustodyError, RejectedInputError, jsonSyntaxMessage } from '@custody/errors';
import { KeyEmployeeId, ROLES, loadConfig, type Role } from '@custody/config';
import { createLogger, stderrDestination } from '@custody/logger';
import { startCustody } from './custody';
import { dispositionCommand } from './disposition-command';
import { importCommand } from './import';
import { readDeliveryFile, webhookLimits } from './delivery-file';
import { rotateSecretsCommand } from './secrets-command';
import { createKeyCommand } from './keys-command';
import { reindexCommand } from './reindex-command';
import { verifyCommand } from './verify-command';
import { verifySummary } from './verify-summary';
import { exportCommand, type ExportCommand } from './export-command';
import { ExportRequest } from '@custody/policy';
import { applyHeapLimit } from './heap-limit';
import { custodyVersion } from './version';

const USAGE = `usage: custody <command> [options]

commands:
  start                                   run Custody (configuration from the environment; see README)
  normalize --channel <id> --file <path> [--tenant <id>] [--content-type <type>] [--config <connector settings json>] [--decrypted]
                                          print the envelopes a vendor payload yields, as JSON Lines; no side effects;
                                          a file of one JSON value per line (.jsonl, or what signal-cli prints) is read as
                                          JSON Lines (application/x-ndjson); --decrypted: the payload is the plaintext
                                          after the vendor's encryption (wecom callback XML), no keys needed;
                                          the webhook's limits apply (CUSTODY_MAX_BODY_BYTES, _EVENTS_PER_DELIVERY, _RECORD_BYTES_PER_DELIVERY)
  disposition --tenant <id> [--execute]   list what is past retention and under no hold (a dry run);
                                          --execute deletes it and archives a certificate; prints the certificate
  import --channel <importer id> --file <path> --tenant <id> [--account <id>] [--timezone <IANA>] [--date-order dmy|mdy] [--restart]
                                          archive a vendor export file (whatsapp-export, telegram-export, email); resumable;
                                          --timezone (e.g. Europe/London) is required for WhatsApp .txt local times;
                                          --date-order for a WhatsApp chat whose dates cannot tell day from month
  export --tenant <id> --name <matter> (--hold <id> | --query <search json> | --conversation <id>... | --record <id>...) --out <dir>
                                          [--formats rsmf,eml,jsonl,pdf,loadfile] [--time-zone <IANA>] [--bates-prefix <PREFIX>]
                                          produce a package (every format by default) into WORM and write it to --out, every
                                          file re-hashed; progress on stderr; exit 1 if the export failed (the reason is printed);
                                          export --tenant <id> --resume <export id> --out <dir> continues one that was stopped
                                          (Ctrl-C, kill -9) where it stopped
  reindex --tenant <id>                   rebuild the tenant's index entries from the WORM store (every record read back and
                                          its hashes re-checked); safe to repeat; prints a report, exit 1 if a record failed
  verify --tenant <id> [--from <date>] [--to <date>] [--sample <n>] [--audit] [--json]
                                          prove the tenant's archive whole from the WORM store alone: the record log and its
                                          signed checkpoints, every stored version against the leaf that names it (missing,
                                          altered, unexpected, extra versions, retention moved back) and the index against the log;
                                          --from/--to re-hash only versions stored in that range, --sample re-hashes n at random;
                                          --audit also walks the audit trail's hash chain (a gap or an edited event is named);
                                          the report is archived to WORM; progress on stderr; exit 0 only when everything verifies
  channels                                list connector ids (webhook) and importer ids (import)
  secrets rotate                          re-seal every connector's secrets with the first key of CUSTODY_SECRETS_KEYS
  keys create --tenant <id> --role <role> [--id <key id>] [--employee <employee id>]
                                          create an API key on the host (the first legal/compliance key of a tenant)
  --version                               print the version

\`custody <command> --help\` prints that command's usage and does nothing else.
exit codes: 0 ok, 1 failure, 2 rejected input or bad usage`;

export class UsageError extends Error {}

/** One command's lines of the usage text (its own and the indented continuation). */
function commandUsage(command: string): string | undefined {
  const lines = USAGE.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`  ${command} `) || l === `  ${command}`);
  if (at < 0) return undefined;
  let end = at + 1;
  while (end < lines.length && /^ {20,}\S/.test(lines[end])) end++;
  return `usage: custody ${lines
    .slice(at, end)
    .map((l) => l.trim().replace(/ {2,}/, '\n  '))
    .join('\n  ')}`;
}

function tenantArg(value: unknown, flag = '--tenant'): string {
  if (typeof value !== 'string' || !TENANT_ID.test(value))
    throw new UsageError(`${flag} "${String(value ?? '')}" is not a tenant id (1–63 lowercase letters, digits and dashes)`);
  return value;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // help never starts anything, whatever else is on the line
  if (command && command !== '--help' && command !== '-h' && (rest.includes('--help') || rest.includes('-h'))) {
    const usage = commandUsage(command);
    if (!usage) {
      process.stderr.write(`custody: unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
    }
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  try {
    switch (command) {
      case '--version':
      case 'version':
        process.stdout.write(`custody ${custodyVersion()}\n`);
        return 0;
      case 'keys':
        return await keys(rest);
      case 'normalize':
        return normalize(rest);
      case 'disposition':
        return await disposition(rest);
      case 'import':
        return await importCommand(rest);
      case 'reindex':
        return await reindex(rest);
      case 'verify':
        return await verify(rest);
      case 'export':
        return await exportPackage(rest);
      case 'channels':
        process.stdout.write(`${[...connectorIds().map((id) => `${id}\twebhook`), ...importerIds().map((id) => `${id}\timport`)].join('\n')}\n`);
        return 0;
      case 'start':
        return await start();
      case 'secrets':
        return await secrets(rest);
      case undefined:
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        return command ? 0 : 2;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`custody: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof CustodyError && !err.retriable) {
      process.stderr.write(`custody: ${err.code}: ${err.message}\n`);
      return err.code === 'config_invalid' ? 1 : 2;
    }
    process.stderr.write(`custody: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

function normalize(args: string[]): number {
  const { values } = parseArgsOrUsage(args, {
    channel: { type: 'string' },
    file: { type: 'string' },
    tenant: { type: 'string', default: 'default' },
    'content-type': { type: 'string' },
    config: { type: 'string' },
    decrypted: { type: 'boolean', default: false },
  });
  if (!values.channel || !values.file) throw new UsageError('normalize needs --channel and --file');
  const connector = getConnector(values.channel);
  const limits = webhookLimits(loadConfig());
  let raw: Buffer;
  try {
    raw = readDeliveryFile(values.file, limits.maxBodyBytes);
  } catch (err) {
    if (err instanceof CustodyError) throw err;
    throw new UsageError(`cannot read ${values.file}: ${(err as Error).message}`);
  }
  const contentType = values['content-type'] ?? defaultContentType(connector, values.file, raw);
  const config = values.config ? readConnectorConfig(connector, values.config) : undefined;
  const reader = values.decrypted ? plaintextReader(connector) : connector;
  // the first half of capture only: what the gateway would publish, without publishing anything
  const { envelopes, rejected } = sealDelivery(
    { connector: reader, config, raw, contentType, tenant: tenantArg(values.tenant), receivedAt: new Date() },
    { limits },
  );
  for (const e of envelopes) process.stdout.write(`${JSON.stringify(e)}\n`);
  for (const r of rejected) process.stderr.write(`custody: ${r.code}: ${r.path}: ${r.reason}\n`);
  return rejected.length ? 2 : 0;
}

/**
 * The connector's own media type, except for a file of JSON values one per line (.jsonl, .ndjson,
 * or what signal-cli prints): JSON Lines. A JSON document never goes on after a complete first
 * line, so such a file cannot be one.
 */
function defaultContentType(connector: AnyConnector, file: string, raw: Buffer): string {
  const own = connector.contentType ?? 'application/json';
  if (own !== 'application/json') return own;
  if (/\.(?:jsonl|ndjson)$/i.test(file)) return 'application/x-ndjson';
  const nl = raw.indexOf(10);
  if (
    nl < 0 ||
    raw
      .subarray(nl + 1)
      .toString('utf8')
      .trim() === ''
  )
    return own;
  try {
    JSON.parse(raw.subarray(0, nl).toString('utf8'));
    return 'application/x-ndjson';
  } catch {
    return own;
  }
}

/** --decrypted: the connector reads the payload as it is after decryption; no signature, no keys. Only here, never on a webhook. */
function plaintextReader(connector: AnyConnector): AnyConnector {
  const parseDecrypted = connector.parseDecrypted?.bind(connector);
  if (!parseDecrypted) {
    const encrypted = connectorIds().filter((id) => getConnector(id).parseDecrypted);
    throw new UsageError(`--decrypted: ${connector.id} payloads are not encrypted; it applies to ${encrypted.join(', ')}`);
  }
  return { ...connector, parse: parseDecrypted };
}

/** Deleting is irreversible, so the command only lists unless told `--execute` (`--dry-run` is the default, still accepted). */
export function dispositionArgs(args: string[]): { tenant: string; dryRun: boolean } {
  const { values } = parseArgsOrUsage(args, {
    tenant: { type: 'string' },
    execute: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  });
  if (!values.tenant) throw new UsageError('disposition needs --tenant');
  if (values.execute && values['dry-run']) throw new UsageError('disposition takes --execute or --dry-run, not both');
  return { tenant: tenantArg(values.tenant), dryRun: !values.execute };
}

async function disposition(args: string[]): Promise<number> {
  const { tenant, dryRun } = dispositionArgs(args);
  const config = loadConfig();
  const logger = createLogger('custody-disposition', { level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const cert = await dispositionCommand(config, logger, tenant, dryRun);
  process.stdout.write(`${JSON.stringify(cert, null, 2)}\n`);
  process.stderr.write(
    `${cert.dryRun ? 'would dispose of' : 'disposed of'} ${cert.disposed.length} object version(s); kept ${JSON.stringify(cert.kept)}${cert.certificate ? `; certificate ${cert.certificate.key}` : ''}\n`,
  );
  return 0;
}

async function exportPackage(args: string[]): Promise<number> {
  const { values } = parseArgsOrUsage(args, {
    tenant: { type: 'string' },
    name: { type: 'string' },
    hold: { type: 'string' },
    query: { type: 'string' },
    conversation: { type: 'string', multiple: true },
    record: { type: 'string', multiple: true },
    formats: { type: 'string' },
    'time-zone': { type: 'string' },
    'bates-prefix': { type: 'string' },
    resume: { type: 'string' },
    out: { type: 'string' },
  });
  const tenant = tenantArg(values.tenant);
  if (!values.out) throw new UsageError('export: --out <dir> is required');
  let cmd: ExportCommand;
  if (values.resume) {
    cmd = { tenant, out: values.out, resume: values.resume };
  } else {
    let query: Record<string, unknown> | undefined;
    if (values.query !== undefined) {
      try {
        query = JSON.parse(values.query) as Record<string, unknown>;
      } catch {
        throw new UsageError('export: --query must be a JSON object, e.g. \'{"text":"guarantee","from":"2025-01-01"}\'');
      }
    }
    const parsed = ExportRequest.safeParse({
      name: values.name,
      scope: { query, holdId: values.hold, conversationIds: values.conversation, recordIds: values.record },
      ...(values.formats && { formats: values.formats.split(',').map((f) => f.trim()) }),
      ...(values['time-zone'] && { timeZone: values['time-zone'] }),
      ...(values['bates-prefix'] && { batesPrefix: values['bates-prefix'] }),
    });
    if (!parsed.success) throw new UsageError(`export: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`);
    cmd = { tenant, out: values.out, request: parsed.data };
  }
  const config = loadConfig();
  const logger = createLogger('custody-export', { level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }, stderrDestination());
  applyHeapLimit(config, (message) => logger.warn({ event: 'heap_limit_not_applied' }, message), 'export');
  const bar = progressBar('records', new Set(['done', 'failed']));
  const exp = await exportCommand(config, logger, cmd, (e) => bar(`export ${e.id}`, e.job));
  process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify(exp, null, 2)}\n`);
  if (exp.job.phase !== 'done') {
    process.stderr.write(`export ${exp.id} ${exp.job.phase}: ${exp.job.error ?? 'stopped'}\n`);
    return 1;
  }
  process.stderr.write(
    `export ${exp.id}: ${exp.result!.records} records, ${exp.result!.documents} documents, ${exp.result!.files} files written to ${values.out}; manifest SHA-256 ${exp.result!.manifestSha256}\n`,
  );
  return 0;
}

interface Progress {
  phase: string;
  done: number;
  /** Unknown while a phase counts what it finds (no bar then, only the count). */
  total?: number;
  etaAt?: string;
}

/**
 * One line redrawn in place on a terminal; elsewhere (a log) a line when the count moves, at most once
 * a second, and always for `final` phases.
 */
function progressBar(unit: string, final: ReadonlySet<string>): (label: string, p: Progress) => void {
  let last = 0;
  let lastLine = '';
  return (label, { phase, total, done, etaAt }) => {
    const pct = total ? Math.floor((100 * done) / total) : 0;
    const filled = Math.round(pct / 5);
    const line =
      total === undefined
        ? `${label} ${phase} ${done} ${unit}`
        : `${label} [${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${phase} ${done}/${total} ${unit} (${pct}%)${etaAt ? `, ETA ${etaAt.slice(11, 19)} UTC` : ''}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
    else if (line !== lastLine && (Date.now() - last >= 1_000 || final.has(phase))) {
      process.stderr.write(`${line}\n`);
      last = Date.now();
    }
    lastLine = line;
  };
}

async function reindex(args: string[]): Promise<number> {
  const { values } = parseArgsOrUsage(args, { tenant: { type: 'string' } });
  const tenant = tenantArg(values.tenant);
  const config = loadConfig();
  const logger = createLogger('custody-reindex', { level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }, stderrDestination());
  const report = await reindexCommand(config, logger, tenant, (r) =>
    process.stderr.write(`reindex ${tenant}: ${r.records} records read, ${r.indexed} indexed, ${r.failed.length} failed (${Math.round(r.ms / 1000)} s)\n`),
  );
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(
    `reindexed ${report.indexed} of ${report.records} record(s) of tenant "${tenant}" in ${(report.ms / 1000).toFixed(1)} s; ${report.failed.length} failed\n`,
  );
  return report.failed.length ? 1 : 0;
}

async function verify(args: string[]): Promise<number> {
  const { values } = parseArgsOrUsage(args, {
    tenant: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    sample: { type: 'string' },
    audit: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const tenant = tenantArg(values.tenant);
  const date = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
    if (Number.isNaN(d.getTime())) throw new UsageError(`${flag} "${v}" is not a date (2024-03-01) or an ISO 8601 instant`);
    return d;
  };
  if (values.sample !== undefined && !/^[1-9]\d{0,8}$/.test(values.sample)) throw new UsageError('--sample must be a whole number from 1');
  const config = loadConfig();
  const logger = createLogger('custody-verify', { level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }, stderrDestination());
  const bar = progressBar('versions', new Set());
  const { report, archived } = await verifyCommand(
    config,
    logger,
    {
      tenant,
      from: date('--from', values.from),
      to: date('--to', values.to),
      sample: values.sample ? Number(values.sample) : undefined,
      audit: values.audit,
    },
    (p) => bar(`verify ${tenant}`, p),
  );
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(verifySummary(report, archived.key));
  return report.ok ? 0 : 1;
}

async function secrets(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0] !== 'rotate') throw new UsageError('usage: custody secrets rotate');
  const config = loadConfig();
  const logger = createLogger('custody-secrets', { level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const { keyId, resealed } = await rotateSecretsCommand(config, logger);
  process.stdout.write(`re-sealed ${resealed.length} connector instance(s) with key ${keyId}${resealed.length ? `: ${resealed.join(', ')}` : ''}\n`);
  return 0;
}

async function keys(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new UsageError(`keys: unknown subcommand "${sub ?? ''}" (create)`);
  const { values } = parseArgsOrUsage(rest, { tenant: { type: 'string' }, role: { type: 'string' }, id: { type: 'string' }, employee: { type: 'string' } });
  const tenant = tenantArg(values.tenant);
  if (!ROLES.includes(values.role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  if (values.id !== undefined && !/^[a-z0-9][a-z0-9-]{2,62}$/.test(values.id)) throw new UsageError('--id: lowercase letters, digits and dashes, 3–63 long');
  const employee = values.employee === undefined ? undefined : KeyEmployeeId.safeParse(values.employee);
  if (employee && !employee.success) throw new UsageError('--employee: an employee id (1–256 letters, digits, _ . @ -)');
  if (values.role === 'reviewer' && !employee) throw new UsageError('--employee: a reviewer key names the directory employee who holds it');
  const config = loadConfig();
  // the token is the only thing on standard output: `KEY=$(custody keys create …)` must capture it alone
  const logger = createLogger('custody-keys', { level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }, stderrDestination());
  const key = await createKeyCommand(config, logger, tenant, values.role as Role, values.id, employee?.data);
  process.stderr.write(`API key ${key.id} (${key.role}) for tenant "${key.tenant}"; the token is shown once, stored only as a hash:\n`);
  process.stdout.write(`${key.token}\n`);
  return 0;
}

async function start(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger('custody', { level: config.LOG_LEVEL }, stderrDestination());
  applyHeapLimit(config, (message) => logger.warn({ event: 'heap_limit_not_applied' }, message));
  let running;
  try {
    running = await startCustody(config, logger);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      process.stderr.write(
        `custody: cannot listen on ${config.CUSTODY_HTTP_HOST}:${config.CUSTODY_HTTP_PORT} (${code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'}); set CUSTODY_HTTP_PORT to a free port\n`,
      );
      return 1;
    }
    throw err;
  }
  const where = config.CUSTODY_MODE === 'embedded' ? `data in ${resolve(config.CUSTODY_DATA_DIR)}` : 'Kafka + S3 + OpenSearch';
  process.stdout.write(`Custody is listening on ${running.url} (mode ${config.CUSTODY_MODE}, ${where})\n`);
  if (running.bootstrapToken) {
    process.stdout.write(
      `Bootstrap admin API key for tenant "${config.CUSTODY_BOOTSTRAP_TENANT}" (shown once, stored only as a hash):\n  ${running.bootstrapToken}\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ event: 'shutdown_requested', signal });
      running.stop().then(
        () => {
          process.stdout.write('Custody stopped cleanly\n');
          resolve();
        },
        (err) => {
          logger.error({ event: 'shutdown_failed', err: (err as Error).message });
          resolve();
        },
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  return 0;
}

/**
 * Connector settings for payloads only readable with them (WeCom decrypts with its AES key). A file
 * that is not a valid config is rejected input (exit 2) whose message lists every setting.
 */
function readConnectorConfig(connector: AnyConnector, path: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RejectedInputError(
      'invalid_connector_config',
      `${connector.id} --config ${path}: ${jsonSyntaxMessage(err)}. ${expectedFields(connector.configSchema)}`,
    );
  }
  return parseConnectorConfig(connector.configSchema, json, `${connector.id} --config ${path}`);
}

function parseArgsOrUsage<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: false as const, strict: true as const });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
