import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { parseConnectorConfig, secretFieldsOf, type AnyConnector, type WebhookRequest } from '@custody/connector-kit';
import { RejectedInputError } from '@custody/errors';
import { createLogger, redactSecrets } from '@custody/logger';
import { z } from 'zod';
import { rejection, runConnector } from './connector';

/** What a webhook connector hands the contract: a valid config, and valid deliveries it knows how to build and sign. */
export interface ConnectorContractAdapter {
  /** The connector as the registry holds it (loading the registry declares its secret fields to the loggers). */
  connector: AnyConnector;
  /** Settings as an operator writes them, valid, with a value in every secret field. */
  config: Record<string, unknown>;
  contentType: string;
  /**
   * A valid delivery of one event. `extra` entries go into its top-level object, after the entries
   * it already has (JSON keys, form parameters, XML elements of the payload): an entry there
   * concerns the whole delivery.
   */
  body(extra?: Array<[name: string, value: string]>): Buffer;
  /** A name `body()` already has at its top level, for the duplicate-key case. */
  existingKey: string;
  /** The valid delivery with its event's id (the record's externalId) set to `id`. */
  withId(id: string): Buffer;
  /** The request the vendor sends with these bytes, signed or authenticated under `config` (parsed). */
  request(body: Buffer, config: any): WebhookRequest;
  /**
   * Where this connector's format gives a refusal another code than the JSON connectors' one. An
   * authentication code (signature_*, auth_*, account_mismatch) means 401: a vendor that signs decoded
   * parameters (Twilio) cannot have signed bytes that do not decode.
   */
  codes?: Partial<Record<'empty' | 'truncated' | 'notUtf8' | 'duplicate', string>>;
}

/** Values a secret setting can wrongly be given as; each secret field must refuse at least one. */
const MARKER = 'Zq7SecretMarker';
const BAD_SECRETS: unknown[] = [
  `s${MARKER.slice(0, 4)}`,
  `has spaces and ünïcode ${MARKER} ☃`,
  `${'x'.repeat(1100)}${MARKER}`,
  987654321987,
  { nested: `${MARKER}-nested` },
  [`${MARKER}-listed`],
];
const LOOKS_SECRET = /secret|token|key|password|aes/i;

/**
 * The contract every webhook connector passes, beside its own tests: strict config, hostile bodies
 * refused as the gateway would (verify, then parse and normalize), 401 for a request it cannot
 * authenticate, and no secret setting ever in a message, a log line or an audit record.
 */
export function connectorContract(adapter: ConnectorContractAdapter): void {
  const { connector, contentType } = adapter;
  const schema = connector.configSchema as z.ZodType;
  const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>;
  const secrets = secretFieldsOf(schema);
  const config = parseConnectorConfig(schema, adapter.config, 'contract config');
  const secretValues = secrets.flatMap((f) => (typeof adapter.config[f] === 'string' ? [adapter.config[f]] : []));
  const codes = { empty: 'empty_body', truncated: 'malformed_json', notUtf8: 'not_utf8', duplicate: 'duplicate_key', ...adapter.codes };
  const ctx = { tenant: 'acme', receivedAt: new Date() };

  /** The gateway's path for one request: authenticate, then parse and normalize. */
  const deliver = (body: Buffer, cfg: unknown = config) => {
    connector.verify(adapter.request(body, cfg), cfg);
    return runConnector(connector, body, contentType, ctx, cfg);
  };
  /** The refusal of `fn`, checked for its code (any, when not given) and status and for not carrying any secret. */
  const refusal = (fn: () => unknown, code: string | undefined, status: number): RejectedInputError => {
    const err = rejection(fn, code, status);
    for (const s of secretValues) expect(`${err.message} ${JSON.stringify(err)}`).not.toContain(s);
    return err;
  };

  describe(`connector contract: ${connector.id}`, () => {
    test('the valid delivery the adapter builds is authenticated and archived', () => {
      expect(deliver(adapter.body()).length).toBeGreaterThan(0);
    });

    describe('config', () => {
      test('an unknown setting is refused, naming it, and the message lists every setting', () => {
        const err = refusal(
          () => parseConnectorConfig(schema, { ...adapter.config, apiBaseUrl: 'http://127.0.0.1:8080' }, 'config'),
          'invalid_connector_config',
          400,
        );
        expect(err.message).toContain('apiBaseUrl');
        for (const name of Object.keys(shape)) expect(err.message).toContain(`${name} (`);
      });

      test('each required setting left out is refused, naming it, with every setting, required or optional, secret, described', () => {
        const required = Object.keys(shape).filter((name) => !shape[name].safeParse(undefined).success);
        for (const name of required) {
          const { [name]: _left, ...rest } = adapter.config;
          const err = refusal(() => parseConnectorConfig(schema, rest, 'config'), 'invalid_connector_config', 400);
          expect(err.message).toContain(`${name}:`);
        }
        const message = refusal(() => parseConnectorConfig(schema, {}, 'config'), 'invalid_connector_config', 400).message;
        for (const [name, field] of Object.entries(shape)) {
          const tags = `${field.safeParse(undefined).success ? 'optional' : 'required'}${secrets.includes(name) ? ', secret' : ''}`;
          expect(message).toContain(`${name} (${tags})`);
          for (let f: z.ZodType | undefined = field; f; f = f instanceof z.ZodOptional ? (f.unwrap() as z.ZodType) : undefined) {
            if (f.description) expect(message).toContain(`${name} (${tags}): ${f.description}`);
          }
        }
      });

      test('declares every setting whose name looks secret', () => {
        const lookSecret = Object.keys(shape).filter((name) => LOOKS_SECRET.test(name));
        expect(lookSecret.length).toBeGreaterThan(0);
        expect(secrets).toEqual(expect.arrayContaining(lookSecret));
        for (const f of secrets) expect(typeof adapter.config[f]).toBe('string');
      });

      test('a bad value in a secret setting is refused without echoing it', () => {
        for (const field of secrets) {
          let refused = 0;
          for (const bad of BAD_SECRETS) {
            const onField = schema.safeParse({ ...adapter.config, [field]: bad }).error?.issues.some((i) => i.path[0] === field);
            if (!onField) continue;
            refused++;
            const message = refusal(() => parseConnectorConfig(schema, { ...adapter.config, [field]: bad }, 'config'), 'invalid_connector_config', 400).message;
            expect(message).toContain(field);
            expect(message).not.toContain(MARKER.slice(0, 8));
          }
          expect({ field, refused: refused > 0 }).toEqual({ field, refused: true });
        }
      });

      test('a secret value never survives in a message about another setting', () => {
        const message = refusal(
          () => parseConnectorConfig(schema, { ...adapter.config, ...Object.fromEntries(secretValues.map((s) => [s, 1])) }, 'config'),
          'invalid_connector_config',
          400,
        ).message;
        expect(message).toMatch(/Unrecognized key/);
      });
    });

    describe('hostile bodies', () => {
      test('an empty or blank body is refused', () => {
        refusal(() => deliver(Buffer.alloc(0)), codes.empty, statusOf(codes.empty));
        refusal(() => deliver(Buffer.from(' \n\t')), codes.empty, statusOf(codes.empty));
      });

      test('a truncated body is refused', () => {
        const body = adapter.body();
        refusal(() => deliver(body.subarray(0, Math.floor(body.length / 2))), codes.truncated, statusOf(codes.truncated));
      });

      test('bytes that are not UTF-8 are refused', () => {
        const body = adapter.body();
        const bad = Buffer.concat([body.subarray(0, 1), Buffer.from([0xff, 0xfe, 0xc3]), body.subarray(1)]);
        refusal(() => deliver(bad), codes.notUtf8, statusOf(codes.notUtf8));
      });

      test.each(['__proto__', 'constructor', 'prototype'])('a %s key is refused and pollutes nothing', (key) => {
        refusal(() => deliver(adapter.body([[key, 'polluted']])), 'forbidden_key', 400);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype.constructor).toBe(Object);
      });

      test('a key given twice is refused: the archived bytes and the parsed value must say the same', () => {
        refusal(() => deliver(adapter.body([[adapter.existingKey, 'second']])), codes.duplicate, 400);
      });

      test('an oversized id is refused without echoing it', () => {
        const id = '9'.repeat(100_000);
        const err = refusal(() => deliver(adapter.withId(id)), 'schema_violation', 400);
        expect(err.message.length).toBeLessThan(2000);
      });

      test('a large unknown field is archived intact: the records reference exactly these bytes', () => {
        const padding = 'p'.repeat(200_000);
        const body = adapter.body([['unmodelledPadding', padding]]);
        const records = deliver(body);
        expect(records.length).toBeGreaterThan(0);
        for (const {
          source: { raw },
        } of records) {
          // a webhook delivery is referenced (archived once); a connector that slices records out of it keeps its record's bytes inline
          if ('sha256' in raw) expect(raw).toMatchObject({ sha256: createHash('sha256').update(body).digest('hex'), size: body.length });
          else expect(Buffer.from(raw.body, raw.encoding).toString('utf8')).toContain(padding);
        }
      });
    });

    describe('authentication', () => {
      test('a request without its credentials is 401', () => {
        const req = adapter.request(adapter.body(), config);
        refusal(() => connector.verify({ ...req, headers: { 'content-type': contentType }, query: new URLSearchParams() }, config), undefined, 401);
      });

      test('a request signed under other secrets is 401, and neither secret shows in the refusal', () => {
        const other = parseConnectorConfig(
          schema,
          { ...adapter.config, ...Object.fromEntries(secrets.map((f) => [f, otherSecret(adapter.config[f] as string)])) },
          'other config',
        );
        const body = adapter.body();
        const err = refusal(() => connector.verify(adapter.request(body, other), config), undefined, 401);
        for (const f of secrets) expect(err.message).not.toContain((other as Record<string, string>)[f]);
      });
    });

    describe('secrets', () => {
      test('are redacted from log lines and audit records', () => {
        let out = '';
        const sink = new Writable({ write: (chunk, _enc, cb) => ((out += chunk.toString()), cb()) });
        const logger = createLogger('contract', { level: 'info' }, sink);
        logger.info({ event: 'test', config: adapter.config });
        logger.info({ event: 'test', instance: { id: connector.id, config: adapter.config } });
        logger.info({ event: 'test', ...adapter.config });
        expect(out).toContain('[redacted]');
        const audit = JSON.stringify(redactSecrets({ details: { instance: { config: adapter.config } } }));
        for (const s of secretValues) {
          expect(out).not.toContain(s);
          expect(audit).not.toContain(s);
        }
      });
    });
  });
}

/** Refusals that say the request is not proven to come from the vendor. */
function statusOf(code: string): number {
  return /^(signature_|auth_|account_mismatch$)/.test(code) ? 401 : 400;
}

/** A value of the same length and character classes, so that it fits the same schema. */
function otherSecret(value: string): string {
  return value.replace(/[a-z]/g, (c) => (c === 'z' ? 'a' : String.fromCharCode(c.charCodeAt(0) + 1))).replace(/[0-9]/g, (c) => String((Number(c) + 1) % 10));
}

/** For adapters of JSON connectors: `json` (one object) with `extra` entries appended, as raw text (so a key may repeat). */
export function withJsonEntries(json: string, extra: Array<[string, string]> = []): Buffer {
  const end = json.lastIndexOf('}');
  const entries = extra.map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`).join('');
  return Buffer.from(`${json.slice(0, end)}${entries}${json.slice(end)}`);
}
