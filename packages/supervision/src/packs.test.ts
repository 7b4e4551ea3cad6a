import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { NORMALIZER_VERSION, normalize } from './normalize';
import { contentAddress, matchPolicy, type MatchContext } from './policy';
import { STARTER_PACKS_DIR, STARTER_PACK_IDS, starterPack, starterPacks, type StarterPackId } from './packs';

const LANGUAGES = ['en', 'zh-Hans', 'zh-Hant', 'ja', 'es', 'fr'] as const;

/** A golden message: the hits the pack must give, each as [ruleId, the text of each highlighted span]. */
const FixtureMessage = z
  .object({
    id: z.string().describe('Unique within the pack'),
    language: z.enum(LANGUAGES).describe('The language the message is written in'),
    hardNegative: z.boolean().default(false).describe('A benign message that must give no hit'),
    why: z.string().optional().describe('For a hard negative: which benign use it is'),
    text: z.string().describe('The message body'),
    hits: z.array(z.tuple([z.string(), z.array(z.string())])).describe('Expected hits in matchPolicy order: [ruleId, span texts]'),
  })
  .strict();
const Fixture = z
  .object({ pack: z.enum(STARTER_PACK_IDS).describe('The pack the messages test'), messages: z.array(FixtureMessage).describe('The golden messages') })
  .strict();

const CONTEXT: MatchContext = { employeeIds: ['e-1'], groups: [], channel: 'whatsapp', direction: 'outbound', externalParticipants: [] };

function loadFixture(id: StarterPackId) {
  return Fixture.parse(parse(readFileSync(join(STARTER_PACKS_DIR, 'fixtures', `${id}.yaml`), 'utf8')));
}

/** What a reviewer would see: per hit, the rule and the exact original text of each highlighted span. */
function screen(id: StarterPackId, text: string): Array<[string, string[]]> {
  const result = matchPolicy(starterPack(id).policy, { zones: { body: normalize(text) }, context: CONTEXT });
  expect(result.inScope).toBe(true);
  return result.hits.map((hit) => [hit.ruleId, hit.spans.map((span) => text.slice(span.start, span.end))]);
}

/** Every pack's version and every golden message's full result (zones and offsets included), as one JSON text. */
function allResults(): string {
  const results = STARTER_PACK_IDS.map((id) => {
    const { policy } = starterPack(id);
    return {
      id,
      version: contentAddress(policy),
      messages: loadFixture(id).messages.map((message) => ({
        id: message.id,
        result: matchPolicy(policy, { zones: { body: normalize(message.text) }, context: CONTEXT }),
      })),
    };
  });
  return JSON.stringify({ normalizer: NORMALIZER_VERSION, results });
}

describe('starter packs', () => {
  it('loads every pack, valid and named by its file', () => {
    const packs = starterPacks();
    expect(packs.map((pack) => pack.id)).toEqual([...STARTER_PACK_IDS]);
    for (const pack of packs) {
      expect(pack.policy.id).toBe(pack.id);
      expect(pack.policy.rules.length).toBeGreaterThan(1);
    }
  });

  it('refuses an unknown pack id', () => {
    expect(() => starterPack('nope' as StarterPackId)).toThrow(/no starter pack "nope"/);
  });

  describe.each(STARTER_PACK_IDS)('%s', (id) => {
    const fixture = loadFixture(id);

    it('has fixtures in all six languages, at least 3 hard negatives, and unique ids', () => {
      expect(fixture.pack).toBe(id);
      expect(new Set(fixture.messages.map((m) => m.language))).toEqual(new Set(LANGUAGES));
      expect(fixture.messages.filter((m) => m.hardNegative).length).toBeGreaterThanOrEqual(3);
      expect(new Set(fixture.messages.map((m) => m.id)).size).toBe(fixture.messages.length);
    });

    it('exercises every rule of the pack', () => {
      const ruleIds = starterPack(id).policy.rules.map((rule) => rule.id);
      const hitRules = new Set(fixture.messages.flatMap((m) => m.hits.map(([ruleId]) => ruleId)));
      expect(ruleIds.filter((ruleId) => !hitRules.has(ruleId))).toEqual([]);
    });

    it.each(fixture.messages.map((m) => [m.id, m] as const))('%s', (_id, message) => {
      if (message.hardNegative) expect(message.hits).toEqual([]);
      else expect(message.hits.length).toBeGreaterThan(0);
      expect(screen(id, message.text)).toEqual(message.hits);
    });
  });

  it('gives byte-identical results on every run, pinned', () => {
    const first = allResults();
    const second = allResults();
    expect(second).toBe(first);
    // Pinned: a change to this hash means a pack, the normalizer (its version or its tokens) or the
    // matcher changed, so what an examiner re-running history gets may have changed too. Re-review
    // the golden results (the fixture files, and why each hit is right) before updating the pin.
    expect(createHash('sha256').update(first, 'utf8').digest('hex')).toBe('fb8fa8dcbc8cf30c74052668777aa720eb8d5fcc254450de84096fdb5ab6a25f');
  });
});
