import { COMMON_ZONES, UTC, formatInZone, isKnownZone, zoneChoices, zoneName } from './time-zone';

describe('formatInZone', () => {
  const at = '2026-11-29T14:03:27.120Z';

  it('shows UTC by default, with seconds', () => {
    expect(formatInZone(at, UTC)).toBe('2026-11-29 14:03:27 UTC');
    expect(formatInZone(at, UTC, false)).toBe('2026-11-29 14:03 UTC');
  });

  it('shows the time in a chosen zone with its offset at that instant', () => {
    expect(formatInZone(at, 'America/New_York')).toBe('2026-11-29 09:03:27 UTC-05:00');
    expect(formatInZone('2026-07-01T14:03:27Z', 'America/New_York')).toBe('2026-07-01 10:03:27 UTC-04:00');
    expect(formatInZone(at, 'Asia/Kolkata')).toBe('2026-11-29 19:33:27 UTC+05:30');
    expect(formatInZone(at, 'Europe/London', false)).toBe('2026-11-29 14:03 UTC+00:00');
  });

  it('changes the date when the zone crosses midnight', () => {
    expect(formatInZone('2026-11-29T20:00:00Z', 'Asia/Tokyo')).toBe('2026-11-30 05:00:00 UTC+09:00');
    expect(formatInZone('2026-11-29T02:00:00Z', 'America/Los_Angeles')).toBe('2026-11-28 18:00:00 UTC-08:00');
  });

  it('uses 00 for midnight, never 24', () => {
    expect(formatInZone('2026-11-29T15:00:00Z', 'Asia/Tokyo')).toBe('2026-11-30 00:00:00 UTC+09:00');
  });

  it('falls back to UTC for a zone it does not know, and shows an unparseable time as given', () => {
    expect(formatInZone(at, 'Mars/Olympus_Mons')).toBe('2026-11-29 14:03:27 UTC');
    expect(formatInZone('yesterday', 'Asia/Tokyo')).toBe('yesterday');
  });
});

describe('zoneChoices', () => {
  it('offers UTC first, then the browser zone, then the common zones, each once', () => {
    const choices = zoneChoices('Europe/Berlin');
    expect(choices[0]).toEqual({ value: 'UTC', label: 'UTC' });
    expect(choices[1]).toEqual({ value: 'Europe/Berlin', label: 'Europe/Berlin (this browser)' });
    expect(choices.map((c) => c.value).slice(2)).toEqual([...COMMON_ZONES]);
  });

  it('does not repeat a browser zone that is UTC or already listed', () => {
    expect(zoneChoices('UTC').map((c) => c.value)).toEqual([UTC, ...COMMON_ZONES]);
    const tokyo = zoneChoices('Asia/Tokyo');
    expect(tokyo.filter((c) => c.value === 'Asia/Tokyo')).toEqual([{ value: 'Asia/Tokyo', label: 'Asia/Tokyo (this browser)' }]);
    expect(zoneChoices(null).map((c) => c.value)).toEqual([UTC, ...COMMON_ZONES]);
  });

  it('knows every zone it offers', () => {
    expect(COMMON_ZONES.every(isKnownZone)).toBe(true);
    expect(isKnownZone('Not/AZone')).toBe(false);
    expect(zoneName('America/Los_Angeles')).toBe('America/Los Angeles');
  });
});
