import { configFrom, controlFor, initialValues, instanceNameProblem, parseJsonSetting, settingLabel, typesByChannel, webhookUrl } from './admin-connector-form';
import type { ConnectorField } from './admin-types';

const field = (f: Partial<ConnectorField> & { name: string }): ConnectorField => ({ required: false, secret: false, type: 'string', ...f });

const WHATSAPP: ConnectorField[] = [
  field({ name: 'appSecret', required: true, secret: true, description: 'Meta app secret' }),
  field({ name: 'accessToken', secret: true }),
  field({ name: 'graphVersion', default: 'v21.0', description: 'Graph API version' }),
  field({ name: 'pollSeconds', type: 'number' }),
  field({ name: 'downloadMedia', type: 'boolean', default: true }),
  field({ name: 'region', type: 'enum', options: ['eu', 'us'], required: true }),
  field({ name: 'allowedNumbers', type: 'array' }),
  field({ name: 'headers', type: 'object' }),
];

describe('the connector form generated from field descriptors', () => {
  it('picks a control per field type: secrets as passwords, enums as selects, JSON as text areas', () => {
    const kinds = WHATSAPP.map((f) => [f.name, controlFor(f).kind]);
    expect(kinds).toEqual([
      ['appSecret', 'password'],
      ['accessToken', 'password'],
      ['graphVersion', 'text'],
      ['pollSeconds', 'number'],
      ['downloadMedia', 'checkbox'],
      ['region', 'select'],
      ['allowedNumbers', 'json'],
      ['headers', 'json'],
    ]);
  });

  it('labels settings in words and says what each one is, its default, and that a secret is write-only', () => {
    expect(settingLabel('appSecret')).toBe('App secret');
    expect(settingLabel('bot_token')).toBe('Bot token');
    expect(settingLabel('graph-version')).toBe('Graph version');
    const secret = controlFor(WHATSAPP[0]);
    expect(secret).toMatchObject({ label: 'App secret', required: true, secret: true, id: 'setting-appSecret' });
    expect(secret.hints).toEqual(['Meta app secret.', 'Secret: write-only. Custody stores it sealed and never shows it again.']);
    expect(controlFor(WHATSAPP[2]).hints).toEqual(['Graph API version.', 'Leave empty for the default: v21.0.']);
    expect(controlFor(field({ name: 'a.b c' })).id).toBe('setting-a-b-c');
  });

  it('tells an admin editing an instance to enter a setting that is set again', () => {
    expect(controlFor(WHATSAPP[0], true).hints).toContain('Currently set. Enter it again: saving replaces every setting, and one left empty is removed.');
  });

  it('offers an empty first choice in a select: "Choose one" when required, the default or "Not set" otherwise', () => {
    expect(controlFor(WHATSAPP[5]).options).toEqual([
      { value: '', label: 'Choose one' },
      { value: 'eu', label: 'eu' },
      { value: 'us', label: 'us' },
    ]);
    expect(controlFor(field({ name: 'mode', type: 'enum', options: ['a'], default: 'a' })).options[0].label).toBe('Default (a)');
    expect(controlFor(field({ name: 'mode', type: 'enum', options: ['a'] })).options[0].label).toBe('Not set');
  });

  it('pre-fills nothing but a checkbox default, and never a secret', () => {
    expect(initialValues(WHATSAPP)).toEqual({
      appSecret: '',
      accessToken: '',
      graphVersion: '',
      pollSeconds: '',
      downloadMedia: true,
      region: '',
      allowedNumbers: '',
      headers: '',
    });
    expect(initialValues([field({ name: 'apiKey', secret: true, default: 'x' })])).toEqual({ apiKey: '' });
  });
});

describe('coercing the form to a config', () => {
  const filled = { ...initialValues(WHATSAPP), appSecret: ' s3cret-with-space ', region: 'eu' };

  it('sends only what is set, secrets exactly as typed, other text trimmed', () => {
    expect(configFrom(WHATSAPP, { ...filled, graphVersion: ' v22.0 ' })).toEqual({
      ok: true,
      config: { appSecret: ' s3cret-with-space ', region: 'eu', graphVersion: 'v22.0' },
    });
  });

  it('names every required setting left empty', () => {
    expect(configFrom(WHATSAPP, initialValues(WHATSAPP))).toEqual({ ok: false, errors: { appSecret: 'Enter app secret.', region: 'Enter region.' } });
    expect(configFrom(WHATSAPP, { ...filled, appSecret: '   ' })).toMatchObject({ ok: false, errors: { appSecret: 'Enter app secret.' } });
  });

  it('turns numbers into numbers and refuses what is not one', () => {
    expect(configFrom(WHATSAPP, { ...filled, pollSeconds: '30' })).toMatchObject({ ok: true, config: { pollSeconds: 30 } });
    expect(configFrom(WHATSAPP, { ...filled, pollSeconds: 'soon' })).toEqual({ ok: false, errors: { pollSeconds: 'Poll seconds must be a number.' } });
  });

  it('sends a checkbox only when it differs from its default (or is required)', () => {
    expect(configFrom(WHATSAPP, { ...filled, downloadMedia: true })).toMatchObject({ ok: true, config: expect.not.objectContaining({ downloadMedia: true }) });
    expect(configFrom(WHATSAPP, { ...filled, downloadMedia: false })).toMatchObject({ ok: true, config: { downloadMedia: false } });
    expect(configFrom([field({ name: 'on', type: 'boolean', required: true })], { on: false })).toEqual({ ok: true, config: { on: false } });
  });

  it('refuses an option the schema does not list', () => {
    expect(configFrom(WHATSAPP, { ...filled, region: 'mars' })).toEqual({ ok: false, errors: { region: 'Region must be one of eu, us.' } });
  });

  it('parses JSON settings and checks their type', () => {
    expect(configFrom(WHATSAPP, { ...filled, allowedNumbers: '["+1555"]', headers: '{"x": 1}' })).toMatchObject({
      ok: true,
      config: { allowedNumbers: ['+1555'], headers: { x: 1 } },
    });
    const bad = configFrom(WHATSAPP, { ...filled, allowedNumbers: '{"a": 1}', headers: '[1]' });
    expect(bad).toEqual({
      ok: false,
      errors: { allowedNumbers: 'Allowed numbers must be a JSON array, in [ ].', headers: 'Headers must be a JSON object, in { }.' },
    });
  });

  it('says why JSON does not parse', () => {
    const r = parseJsonSetting('Headers', 'object', '{x: 1}');
    expect('error' in r && r.error).toMatch(/^Headers is not valid JSON \(.+\)\.$/);
    expect(parseJsonSetting('Headers', 'object', 'null')).toEqual({ error: 'Headers must be a JSON object, in { }.' });
  });
});

describe('instance names and webhook addresses', () => {
  it("checks the API's rule for instance names", () => {
    expect(instanceNameProblem('wa-main-2')).toBeNull();
    expect(instanceNameProblem('')).toBe('Enter an instance name.');
    for (const bad of ['WA', '-wa', 'wa_main', 'wa main', 'a'.repeat(64)]) expect(instanceNameProblem(bad)).not.toBeNull();
  });

  it("joins this deployment's origin and the instance's webhook path", () => {
    expect(webhookUrl('https://custody.example.com', '/webhooks/wabc')).toBe('https://custody.example.com/webhooks/wabc');
    expect(webhookUrl('https://custody.example.com/', 'webhooks/wabc')).toBe('https://custody.example.com/webhooks/wabc');
  });

  it('groups connector types by channel, named, with the types of no channel last', () => {
    const groups = typesByChannel([
      { connector: 'whatsapp-export', channel: 'whatsapp', fields: [] },
      { connector: 'twilio-sms', channel: 'sms', fields: [] },
      { connector: 'custom', fields: [] },
      { connector: 'whatsapp-cloud', channel: 'whatsapp', fields: [] },
    ]);
    expect(groups).toEqual([
      { channel: 'sms', label: 'SMS', connectors: ['twilio-sms'] },
      { channel: 'whatsapp', label: 'WhatsApp', connectors: ['whatsapp-cloud', 'whatsapp-export'] },
      { channel: '', label: 'Other', connectors: ['custom'] },
    ]);
  });
});
