import { presetViolation, retentionSeconds, type RetentionSettingsInput } from './index';
import { RetentionSettingsInput as Input } from './retention';

const settings = (s: RetentionSettingsInput) => Input.parse(s);
const none = () => false;

test('an enabled preset cannot be dropped through the API (409 naming it and its floor) unless the operator released it', () => {
  const before = settings({ default: { value: 7, unit: 'years' }, presets: ['sec-17a-4'] });
  const dropped = settings({ default: { value: 1, unit: 'seconds' } });
  expect(presetViolation(before, dropped, none)).toMatchObject({ status: 409, preset: 'sec-17a-4', message: expect.stringContaining('6 years') });
  expect(presetViolation(before, settings({ default: { value: 7, unit: 'years' }, presets: ['mifid-ii'] }), none)).toMatchObject({
    status: 409,
    preset: 'sec-17a-4',
  });
  expect(presetViolation(before, dropped, (p) => p === 'sec-17a-4')).toBeNull();
  expect(presetViolation(before, settings({ default: { value: 8, unit: 'years' }, presets: ['sec-17a-4', 'mifid-ii'] }), none)).toBeNull();
});

test('no period may undercut the floor of a preset the settings keep (400 naming the preset and the period)', () => {
  const v = presetViolation(undefined, settings({ default: { value: 1, unit: 'seconds' }, presets: ['sec-17a-4'] }), none);
  expect(v).toMatchObject({ status: 400, preset: 'sec-17a-4' });
  expect(v!.message).toMatch(/default \(1 seconds\).*sec-17a-4.*6 years/);
  const byChannel = presetViolation(
    undefined,
    settings({ default: { value: 6, unit: 'years' }, byChannel: { sms: { value: 2000, unit: 'days' } }, presets: ['sec-17a-4'] }),
    none,
  );
  expect(byChannel).toMatchObject({ status: 400, message: expect.stringContaining('byChannel.sms') });
  expect(
    presetViolation(
      undefined,
      settings({ default: { value: 4, unit: 'years' }, byType: { status: { value: 10, unit: 'days' } }, presets: ['mifid-ii'] }),
      none,
    ),
  ).toMatchObject({ status: 400, preset: 'mifid-ii' });
  // a release lets the preset go, not stay and be undercut
  expect(presetViolation(undefined, settings({ default: { value: 1, unit: 'days' }, presets: ['sec-17a-4'] }), () => true)).toMatchObject({ status: 400 });
});

test('the floor still applies to the computed period for every data type', () => {
  const s = settings({ default: { value: 6, unit: 'years' }, presets: ['sec-17a-4'] });
  expect(retentionSeconds({ ...s, default: { value: 1, unit: 'seconds' } }, 'status', 'sms')).toBe(6 * 365.25 * 86_400);
});
