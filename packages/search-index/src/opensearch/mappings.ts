/** The standard analyzer's tokens, then their Porter stems (what stem.ts computes for the embedded index). */
export const STEMMED_ANALYZER = 'custody_stemmed';
export const recordAnalysis = {
  analyzer: { [STEMMED_ANALYZER]: { type: 'custom' as const, tokenizer: 'standard', filter: ['lowercase', 'porter_stem'] } },
};

/** Explicit mappings: `dynamic: strict` so a projection change is a deliberate mapping change, never a silent guess. */
export const recordMappings = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    tenant: { type: 'keyword' },
    kind: { type: 'keyword' },
    channel: { type: 'keyword' },
    connector: { type: 'keyword' },
    externalId: { type: 'keyword' },
    conversationId: { type: 'keyword' },
    conversationType: { type: 'keyword' },
    conversationTitle: { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 512 } } },
    sender: { type: 'keyword' },
    senderName: { type: 'text' },
    participants: { type: 'keyword' },
    employeeIds: { type: 'keyword' },
    unmapped: { type: 'keyword' },
    direction: { type: 'keyword' },
    sentAt: { type: 'date', format: 'strict_date_optional_time' },
    capturedAt: { type: 'date', format: 'strict_date_optional_time' },
    // standard analyzer (the tokens the embedded index's analyzer reproduces), and beside it the Porter
    // stems of the same tokens (porter_stem is in the analysis-common module infra/local installs)
    subject: { type: 'text', analyzer: 'standard', fields: { stemmed: { type: 'text', analyzer: STEMMED_ANALYZER } } },
    text: { type: 'text', analyzer: 'standard', fields: { stemmed: { type: 'text', analyzer: STEMMED_ANALYZER } } },
    attachmentCount: { type: 'integer' },
    // shown with hits (file names are also searchable: they are part of `text` when there is no caption)
    attachmentNames: { type: 'keyword', index: false },
    refs: { type: 'keyword' },
    revises: { type: 'keyword' },
    editedBy: { type: 'keyword' },
    deletedBy: { type: 'keyword' },
    envelopeSha256: { type: 'keyword' },
    archive: {
      properties: { key: { type: 'keyword' }, versionId: { type: 'keyword' }, sha256: { type: 'keyword' } },
    },
    holds: { type: 'keyword' },
    logSequence: { type: 'long', index: false },
  },
} as const;

/** What the query's `text` matches: every word in one of these fields (phrases and prefixes), or in their stems (words). */
export const FULL_TEXT_FIELDS = ['subject', 'text'] as const;
export const STEMMED_FIELDS = ['subject.stemmed', 'text.stemmed'] as const;

export const recordSettings = {
  number_of_shards: 1,
  // 0 replicas on a single node (green), 1 once a second node joins
  auto_expand_replicas: '0-1',
  refresh_interval: '1s',
  analysis: recordAnalysis,
} as const;
