import { revisedMessage, type Envelope } from '@custody/envelope';
import type { Revisions, SearchIndex } from '@custody/search-index';

type RevisingKind = 'edit' | 'deletion';

/**
 * Marks originals as edited or deleted in the index, whichever of the two arrives first: an edit or
 * deletion indexed now marks its original if that is already indexed; an original indexed now
 * collects the edits and deletions indexed before it. The archived envelopes never change; this is
 * the projection that lets search filter `edited` / `deleted` and a read link the revisions.
 * Edits and deletions name their original by the vendor's id in the same connector, and the original
 * is a message, so its record id is derived, not looked up.
 */
export async function linkRevisions(index: SearchIndex, indexed: Envelope[]): Promise<void> {
  for (const [tenant, envelopes] of byTenant(indexed)) {
    const marks = new Map<string, Revisions>();
    const mark = (originalId: string, revision: { id: string; kind: RevisingKind }) => {
      const m = marks.get(originalId) ?? { editedBy: [], deletedBy: [] };
      (revision.kind === 'edit' ? m.editedBy : m.deletedBy).push(revision.id);
      marks.set(originalId, m);
    };
    for (const e of envelopes) {
      const original = revisedMessage(e);
      if (original) mark(original.recordId, { id: e.id, kind: e.kind as RevisingKind });
    }
    const originals = envelopes.filter((e) => e.kind === 'message');
    const earlier = await index.revisionsOf(tenant, [...new Set(originals.map((e) => e.source.externalId))]);
    for (const original of originals) {
      for (const r of earlier) {
        // revisionsOf also returns reactions, which revise nothing
        if ((r.kind === 'edit' || r.kind === 'deletion') && r.connector === original.source.connector && r.revises === original.source.externalId)
          mark(original.id, { id: r.id, kind: r.kind });
      }
    }
    await index.addRevisions(tenant, marks);
  }
}

function byTenant(envelopes: Envelope[]): Map<string, Envelope[]> {
  const out = new Map<string, Envelope[]>();
  for (const e of envelopes) {
    const list = out.get(e.tenant);
    if (list) list.push(e);
    else out.set(e.tenant, [e]);
  }
  return out;
}
