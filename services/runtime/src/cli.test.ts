import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from './cli';

const CONNECTORS = resolve(__dirname, '../../../packages/connectors/src');
const SIGNAL_LINES = join(CONNECTORS, 'signal/fixtures/receive.jsonl');
const WECOM_PLAINTEXT = join(CONNECTORS, 'wecom/fixtures/text.xml');
const WHATSAPP = join(CONNECTORS, 'whatsapp-export/fixtures');

/** Runs the CLI in this process and captures what it prints. */
async function custody(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const lines = (text: string) => text.split('\n').filter(Boolean);
const temp = (name: string, content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'custody-cli-test-')), name);
  writeFileSync(path, content);
  return path;
};

describe('custody normalize', () => {
  test('--channel signal reads JSON Lines: each good line an envelope, each bad line one rejection naming its line (exit 2)', async () => {
    const r = await custody('normalize', '--channel', 'signal', '--file', SIGNAL_LINES, '--tenant', 'acme');
    expect(r.code).toBe(2);
    expect(lines(r.stdout).map((l) => JSON.parse(l).content.text)).toEqual(['Sell 200 ACME at the open', 'Confirmed, 200 ACME sold', 'Thanks Bob']);
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(/^custody: malformed_json: line 3: /),
      expect.stringMatching(/^custody: schema_violation: line 6: /),
    ]);
  });

  test('signal-cli output saved under any name is JSON Lines: a complete first line followed by more cannot be one JSON document', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'custody-cli-test-')), 'signal-cli-output.json');
    copyFileSync(SIGNAL_LINES, path);
    expect(lines((await custody('normalize', '--channel', 'signal', '--file', path)).stdout)).toHaveLength(3);
  });

  test('--channel wecom --decrypted reads the callback plaintext XML without keys', async () => {
    const r = await custody('normalize', '--channel', 'wecom', '--file', WECOM_PLAINTEXT, '--decrypted');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(JSON.parse(r.stdout)).toMatchObject({ channel: 'wecom', source: { externalId: '7453925831021238272' }, content: { format: 'wecom/text' } });
  });

  test('--decrypted on a connector without encryption is bad usage', async () => {
    const r = await custody('normalize', '--channel', 'signal', '--file', SIGNAL_LINES, '--decrypted');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--decrypted: signal payloads are not encrypted; it applies to wecom');
  });

  test('a connector config that is needed and missing is rejected input (exit 2) listing every setting', async () => {
    const r = await custody('normalize', '--channel', 'wecom', '--file', WECOM_PLAINTEXT);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^custody: connector_config_required: wecom: callbacks are encrypted .*pass --config <file>/);
    for (const field of ['token (required, secret)', 'encodingAesKey (required, secret)', 'corpId (required): CorpID', 'corpSecret (optional, secret)'])
      expect(r.stderr).toContain(field);
  });

  test('an invalid --config (wrong settings, or not JSON) is rejected input (exit 2) listing every setting, never echoing a secret', async () => {
    const wrong = await custody(
      'normalize',
      '--channel',
      'wecom',
      '--file',
      WECOM_PLAINTEXT,
      '--config',
      temp('wecom.json', JSON.stringify({ token: 'not valid!', corpId: 'ww1' })),
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^custody: invalid_connector_config: wecom --config .*wecom\.json: token: wrong format \(secret, value not shown\)/);
    expect(wrong.stderr).toContain('Expected a JSON object with: token (required, secret)');
    expect(wrong.stderr).not.toContain('not valid!');
    const broken = await custody('normalize', '--channel', 'signal', '--file', SIGNAL_LINES, '--config', temp('signal.json', '{"account": '));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^custody: invalid_connector_config: signal --config .*signal\.json: .*Expected a JSON object with: account \(required\)/);
  });

  test('--help shows the JSON Lines and --decrypted lines', async () => {
    const r = await custody('normalize', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[--decrypted]');
    expect(r.stdout).toContain('JSON Lines (application/x-ndjson)');
  });
});

describe('custody import: local times', () => {
  let dataDir: string;
  const saved = process.env.CUSTODY_DATA_DIR;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'custody-cli-data-'));
    process.env.CUSTODY_DATA_DIR = dataDir;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.CUSTODY_DATA_DIR;
    else process.env.CUSTODY_DATA_DIR = saved;
  });

  test('a WhatsApp .txt without --timezone is refused (exit 2) with an example, before the archive is opened', async () => {
    const r = await custody('import', '--channel', 'whatsapp-export', '--file', join(WHATSAPP, 'android-de.txt'), '--tenant', 'acme');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^custody: timezone_required: whatsapp-export: .*pass --timezone .*e\.g\. --timezone Europe\/London/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  test('an unknown zone is refused naming it', async () => {
    const r = await custody(
      'import',
      '--channel',
      'whatsapp-export',
      '--file',
      join(WHATSAPP, 'android-de.txt'),
      '--tenant',
      'acme',
      '--timezone',
      'Europe/Atlantis',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid_timezone: --timezone "Europe/Atlantis" is not an IANA time zone');
  });

  test('a chat whose dates cannot tell day from month is refused (exit 2) asking for --date-order, before the archive is opened', async () => {
    const r = await custody(
      'import',
      '--channel',
      'whatsapp-export',
      '--file',
      join(WHATSAPP, 'date-order/ambiguous.txt'),
      '--tenant',
      'acme',
      '--timezone',
      'Europe/London',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^custody: date_order_ambiguous: .*--date-order dmy \(day first\) or --date-order mdy \(month first\)/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  test('--date-order takes dmy or mdy only', async () => {
    const r = await custody(
      'import',
      '--channel',
      'whatsapp-export',
      '--file',
      join(WHATSAPP, 'date-order/ambiguous.txt'),
      '--tenant',
      'acme',
      '--timezone',
      'UTC',
      '--date-order',
      'ymd',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad_usage: --date-order must be dmy (day first) or mdy (month first), got "ymd"');
  });
});
