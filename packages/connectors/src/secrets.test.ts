import { Writable } from 'node:stream';
import { parseConnectorConfig, secretFieldsOf } from '@custody/connector-kit';
import { createLogger, redactSecrets } from '@custody/logger';
import { z } from 'zod';
import { connectorIds, connectorSecretFields, getConnector } from './registry';

const LOOKS_SECRET = /secret|token|key|password|aes/i;

/** Values a secret setting can be wrongly given as; each field must refuse at least one. */
const MARKER = 'Zq7SecretMarker';
const BAD_VALUES: unknown[] = [
  `s${MARKER.slice(0, 4)}`, // too short for any credential
  `has spaces and ünïcode ${MARKER} ☃`,
  `${'x'.repeat(1100)}${MARKER}`,
  987654321987,
  { nested: `${MARKER}-nested` },
  [`${MARKER}-listed`],
];

/** Every string a bad value carries, as it could show up in a message. */
const shown = (v: unknown): string[] => (typeof v === 'object' && v !== null ? Object.values(v).map(String) : [String(v)]);

function rejection(schema: z.ZodType, input: unknown): string | undefined {
  try {
    parseConnectorConfig(schema, input, 'config');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function captureLogger() {
  let out = '';
  const sink = new Writable({ write: (chunk, _enc, cb) => ((out += chunk.toString()), cb()) });
  return { logger: createLogger('secrets-test', { level: 'info' }, sink), output: () => out };
}

describe.each(connectorIds())('secret settings of connector %s', (id) => {
  const connector = getConnector(id);
  const schema = connector.configSchema as z.ZodType;
  const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>;
  const secrets = secretFieldsOf(schema);

  it('declares every setting whose name looks secret, and the registry publishes the declaration', () => {
    const lookSecret = Object.keys(shape).filter((name) => LOOKS_SECRET.test(name));
    expect(lookSecret.length).toBeGreaterThan(0);
    expect(secrets).toEqual(expect.arrayContaining(lookSecret));
    expect(connectorSecretFields.get(id)).toEqual(secrets);
  });

  it('rejects a bad value in each secret field without echoing it', () => {
    for (const field of secrets) {
      let refused = 0;
      for (const bad of BAD_VALUES) {
        const message = rejection(schema, { [field]: bad });
        const onField = !schema.safeParse({ [field]: bad }).error?.issues.every((i) => i.path[0] !== field);
        if (!onField) continue;
        refused++;
        expect(message).toContain(field);
        for (const s of shown(bad)) expect(message).not.toContain(s);
        expect(message).not.toContain(MARKER.slice(0, 8));
      }
      expect({ field, refused: refused > 0 }).toEqual({ field, refused: true });
    }
    // all of them bad at once
    const allBad = Object.fromEntries(secrets.map((f) => [f, [`bad ${MARKER} ${f}`]]));
    const message = rejection(schema, allBad);
    expect(message).toBeDefined();
    expect(message).not.toContain(MARKER);
  });

  it('a refused config lists every setting with required/optional, secret and its description', () => {
    const message = rejection(schema, {})!;
    for (const [name, field] of Object.entries(shape)) {
      const tags = `${field.safeParse(undefined).success ? 'optional' : 'required'}${secrets.includes(name) ? ', secret' : ''}`;
      expect(message).toContain(`${name} (${tags})`);
      for (let f: z.ZodType | undefined = field; f; f = f instanceof z.ZodOptional ? (f.unwrap() as z.ZodType) : undefined) {
        if (f.description) expect(message).toContain(`${name} (${tags}): ${f.description}`);
      }
    }
  });

  it('redacts the secret settings of a config that is logged or audited', () => {
    const config = Object.fromEntries(secrets.map((f) => [f, `${MARKER}-${f}-value`]));
    const { logger, output } = captureLogger();
    logger.info({ event: 'test', config });
    logger.info({ event: 'test', instance: { id, config } });
    logger.info({ event: 'test', ...config });
    expect(output()).toContain('[redacted]');
    expect(output()).not.toContain(MARKER);
    expect(JSON.stringify(redactSecrets({ details: { instance: { config } } }))).not.toContain(MARKER);
  });
});

it('no secret value survives in a message about another field', () => {
  const schema = getConnector('whatsapp-cloud').configSchema as z.ZodType;
  // a value that is valid for the secret, with an error elsewhere that could quote it
  const message = rejection(schema, { appSecret: `valid-${MARKER}`, verifyToken: `also-${MARKER}`, [`valid-${MARKER}`]: 1 });
  expect(message).toMatch(/Unrecognized key/);
  expect(message).not.toContain(MARKER);
});
