import { DATA_TYPES as API_DATA_TYPES, PRESETS, RetentionSettingsInput, retentionSeconds } from '@custody/policy';
import type { RetentionInput } from './admin-types';
import { DATA_TYPES, describeDuration, durationSeconds, formChannels, formFrom, inputFrom, presetRows, settingRows } from './admin-retention';

const SETTINGS: RetentionInput = {
  default: { value: 3, unit: 'years' },
  byType: { call: { value: 7, unit: 'years' } },
  byChannel: { sms: { value: 400, unit: 'days' } },
  presets: ['mifid-ii'],
};

describe('retention settings on the admin page', () => {
  it("edits exactly the API's data types", () => {
    expect(DATA_TYPES.map((t) => t.value)).toEqual([...API_DATA_TYPES]);
  });

  it('describes periods in words', () => {
    expect(describeDuration({ value: 6, unit: 'years' })).toBe('6 years');
    expect(describeDuration({ value: 1, unit: 'year' as 'years' })).toBe('1 year');
    expect(describeDuration({ value: 1, unit: 'days' })).toBe('1 day');
    expect(durationSeconds({ value: 1, unit: 'years' })).toBe(365.25 * 86_400);
  });

  it('lists the presets with their floors, marking those the settings have', () => {
    expect(presetRows(PRESETS, SETTINGS)).toEqual([
      { id: 'sec-17a-4', label: 'SEC 17a-4 / FINRA 4511 (6 years)', floor: '6 years', enabled: false },
      { id: 'mifid-ii', label: 'MiFID II Art. 16(7) (5 years)', floor: '5 years', enabled: true },
      { id: 'cftc-1.31', label: 'CFTC 1.31 (5 years)', floor: '5 years', enabled: false },
    ]);
    expect(presetRows(PRESETS, null).every((p) => !p.enabled)).toBe(true);
  });

  it('shows each setting with the period that applies, raised to a preset floor as the server does', () => {
    const rows = settingRows(SETTINGS, PRESETS);
    expect(rows).toEqual([
      { key: 'default', appliesTo: 'Everything else (default)', set: '3 years', applies: '5 years', raisedBy: 'MiFID II Art. 16(7) (5 years)' },
      { key: 'byType.call', appliesTo: 'Calls', set: '7 years', applies: '7 years', raisedBy: null },
      { key: 'byChannel.sms', appliesTo: 'SMS (channel)', set: '400 days', applies: '5 years', raisedBy: 'MiFID II Art. 16(7) (5 years)' },
    ]);
    // the server's own arithmetic agrees
    const server = RetentionSettingsInput.parse(SETTINGS);
    expect(retentionSeconds(server, 'message', 'whatsapp')).toBe(durationSeconds({ value: 5, unit: 'years' }));
    expect(retentionSeconds(server, 'call', 'whatsapp')).toBe(durationSeconds({ value: 7, unit: 'years' }));
  });

  it('round-trips settings through the form into a body the API schema accepts', () => {
    const form = formFrom(SETTINGS);
    expect(form.default).toEqual({ value: '3', unit: 'years' });
    expect(form.byType.message).toEqual({ value: '', unit: 'years' });
    const result = inputFrom(form);
    expect(result).toEqual({ ok: true, input: SETTINGS });
    expect(result.ok && RetentionSettingsInput.safeParse(result.input).success).toBe(true);
  });

  it('starts an empty form when nothing is set yet, and asks for the default', () => {
    const form = formFrom(null);
    expect(form.presets).toEqual([]);
    expect(inputFrom(form)).toEqual({ ok: false, errors: { default: 'Enter a period for the default.' } });
  });

  it('refuses periods that are not positive numbers within the API bound', () => {
    const form = formFrom(SETTINGS);
    form.byType.call = { value: '-1', unit: 'years' };
    form.byChannel.sms = { value: '200000', unit: 'days' };
    expect(inputFrom(form)).toEqual({
      ok: false,
      errors: {
        'byType.call': 'The period for calls must be a number above 0 and at most 100,000.',
        'byChannel.sms': 'The period for SMS must be a number above 0 and at most 100,000.',
      },
    });
  });

  it("offers every channel, and keeps one the settings name that the console's list does not", () => {
    expect(formChannels(null)).toContain('whatsapp');
    expect(formChannels({ byChannel: { pager: { value: 1, unit: 'years' } } }).at(-1)).toBe('pager');
  });
});
