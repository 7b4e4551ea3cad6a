import { Client } from '@opensearch-project/opensearch';
import { requireStackEnv, uniqueName } from '@custody/testing';
import { tokenize } from '../embedded/analyzer';
import { stem } from '../stem';
import { OpenSearchIndex } from './opensearch-index';
import { contractDoc } from '../contract';
import { STEMMED_ANALYZER, recordAnalysis, recordMappings } from './mappings';

/**
 * The embedded index stems in JavaScript, OpenSearch with Lucene's porter_stem: a word must find the
 * same records on both, so every stem is checked against the server. The words cover each step of
 * Porter's algorithm (Martin Porter's own test vocabulary), the departures of his reference code that
 * Lucene follows (logi, bli), short words, y, and tokens that are not English words at all.
 */
const WORDS = `caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled
sized hopping tanned falling hissing fizzed failing filing happy sky relational conditional rational
valenci hesitanci digitizer conformabli radicalli differentli vileli analogousli vietnamization
predication operator feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti
triplicate formative formalize electriciti electrical hopeful goodness revival allowance inference
airliner gyroscopic adjustable defensible irritant replacement adjustment dependent adoption homologou
communism activate angulariti homologous effective bowdlerize probate rate cease controll roll
generalizations oscillators archiving archived archives yelling yes y by dying lying skies news abated
fill filled filling fills fillet shares sharing shared acme acmecorp orders ordered ordering traders
traded trading compliance complied complying regulators regulatory analogy analogies logical
agreement agreements is as us the a an i go gone going went trades tradeable nationalization
naïve café zürich don't john.doe 3.14 1,000,000 v1.2.3 👍 中 テキスト ภาษาไทย πολλοί σίσυφοσ straße`;

describe('stems: the embedded index and OpenSearch agree', () => {
  const env = requireStackEnv();
  const client = new Client({ node: env.OPENSEARCH_URL });
  afterAll(() => client.close());

  test('every token of the vocabulary stems the same in JavaScript and in porter_stem', async () => {
    const res = await client.indices.analyze({ body: { tokenizer: 'standard', filter: ['lowercase', 'porter_stem'], text: WORDS } });
    const server = (res.body.tokens ?? []).map((t) => t.token);
    expect(tokenize(WORDS).map(stem)).toEqual(server);
  });

  test("an index's own analyzer is that one (what its stemmed fields hold)", async () => {
    const prefix = `custody-${uniqueName()}`;
    const index = new OpenSearchIndex({ url: env.OPENSEARCH_URL, prefix });
    await index.ensureReady();
    try {
      const res = await client.indices.analyze({ index: index.index, body: { analyzer: STEMMED_ANALYZER, text: WORDS } });
      expect((res.body.tokens ?? []).map((t) => t.token)).toEqual(tokenize(WORDS).map(stem));
      expect(recordAnalysis.analyzer[STEMMED_ANALYZER].filter).toEqual(['lowercase', 'porter_stem']);
    } finally {
      await index.client.indices.delete({ index: index.index });
      await index.client.indices.deleteIndexTemplate({ name: `${prefix}-records` });
      await index.close();
    }
  });

  test('an index made before the stems gets the analyzer and the sub-fields at start-up, and stems work for what is indexed then', async () => {
    const prefix = `custody-${uniqueName()}`;
    const index = new OpenSearchIndex({ url: env.OPENSEARCH_URL, prefix });
    // as an earlier Custody created it: no analysis settings, plain text fields
    await client.indices.create({
      index: index.index,
      body: {
        settings: { number_of_shards: 1, auto_expand_replicas: '0-1' },
        mappings: {
          dynamic: 'strict',
          properties: { ...recordMappingsWithout(), subject: { type: 'text', analyzer: 'standard' }, text: { type: 'text', analyzer: 'standard' } },
        },
      },
    });
    try {
      await index.ensureReady();
      const mapping = await client.indices.getMapping({ index: index.index });
      expect(JSON.stringify(mapping.body)).toContain('"stemmed"');
      await index.bulkUpsert([contractDoc('acme', 'upgraded-1', { text: 'order filled' })]);
      await index.refresh();
      expect((await index.search('acme', { text: 'fill' })).hits.map((h) => h.id)).toEqual(['upgraded-1']);
      // a second start finds it in place and changes nothing
      await index.ensureReady();
    } finally {
      await index.client.indices.delete({ index: index.index });
      await index.client.indices.deleteIndexTemplate({ name: `${prefix}-records` });
      await index.close();
    }
  });
});

function recordMappingsWithout(): Record<string, unknown> {
  const { subject: _s, text: _t, ...rest } = recordMappings.properties;
  return rest;
}
