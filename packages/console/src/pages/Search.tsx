import { useEffect, useRef, type FormEvent } from 'react';
import { Alert } from '../components/Alert';
import { Marked } from '../components/Marked';
import { PageHeading } from '../components/PageHeading';
import { formatCount, formatUtc, personLabel, snippet, splitHighlights } from '../format';
import { Link } from '../router';
import { conversationPath, recordPath } from '../routes';
import { CHANNELS, channelLabel } from '../search-query';
import { useSearch } from '../search-state';
import type { SearchHit } from '../types';

/** Search across the tenant's archive: POST /v1/search, newest first, a page at a time. */
export function Search() {
  const { state, setForm, search, more, opened } = useSearch();
  const { form, status, hits, total, cursor, error } = state;
  const list = useRef<HTMLTableSectionElement>(null);
  const shownBefore = useRef(hits.length);
  const busy = status === 'loading' || status === 'loading-more';

  // back from a record: focus the hit that was opened, so the user carries on where they were
  useEffect(() => {
    if (!state.opened) return;
    const link = list.current?.querySelector<HTMLAnchorElement>(`a[data-id="${CSS.escape(state.opened)}"]`);
    link?.focus();
    link?.scrollIntoView({ block: 'center' });
    // on arrival only
  }, []);

  // "More results": move focus to the first new hit, not back to the top of the list
  useEffect(() => {
    if (status !== 'done') return;
    if (hits.length > shownBefore.current && shownBefore.current > 0) {
      list.current?.querySelectorAll<HTMLAnchorElement>('a[data-id]')[shownBefore.current]?.focus();
    }
    shownBefore.current = hits.length;
  }, [status, hits.length]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    shownBefore.current = 0;
    search();
  };

  return (
    <>
      <PageHeading title="Search" focus={!state.opened}>
        Search
      </PageHeading>
      <form role="search" aria-label="Records" className="search-form" onSubmit={submit} noValidate>
        <div className="field field-text">
          <label htmlFor="search-text">Search text</label>
          <input
            id="search-text"
            type="text"
            name="text"
            maxLength={1000}
            aria-describedby="search-text-hint"
            value={form.text}
            onChange={(e) => setForm({ ...form, text: e.target.value })}
          />
          <p id="search-text-hint" className="hint">
            Every word must occur. Use <code>"an exact phrase"</code>, <code>prefix*</code>, and <code>AND</code>, <code>OR</code>, <code>NOT</code> in
            capitals, with parentheses to group.
          </p>
        </div>
        <div className="field">
          <label htmlFor="search-channel">Channel</label>
          <select id="search-channel" name="channel" value={form.channel} onChange={(e) => setForm({ ...form, channel: e.target.value })}>
            <option value="">Any channel</option>
            {CHANNELS.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="search-from">From (UTC)</label>
          <input
            id="search-from"
            type="date"
            name="from"
            value={form.from}
            max={form.to || undefined}
            onChange={(e) => setForm({ ...form, from: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="search-to">To (UTC, included)</label>
          <input id="search-to" type="date" name="to" value={form.to} min={form.from || undefined} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        </div>
        <div className="field field-submit">
          <button type="submit">Search</button>
        </div>
      </form>

      <section aria-labelledby="results-heading" aria-busy={busy} className="results">
        <h2 id="results-heading">Results</h2>
        <p role="status" className="results-status">
          {statusLine(status, hits.length, total)}
        </p>
        {status === 'error' && <Alert message={error} />}
        {hits.length > 0 && (
          <table className="hits">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Channel</th>
                <th scope="col">Sender</th>
                <th scope="col">Text</th>
              </tr>
            </thead>
            <tbody ref={list}>
              {hits.map((hit) => (
                <HitRow key={hit.id} hit={hit} onOpen={() => opened(hit.id)} />
              ))}
            </tbody>
          </table>
        )}
        {status !== 'error' && <Alert message={error} />}
        {cursor && hits.length > 0 && (
          <button type="button" className="button-secondary more" onClick={more} aria-disabled={busy || undefined}>
            {status === 'loading-more' ? 'Searching…' : 'More results'}
          </button>
        )}
      </section>
    </>
  );
}

function statusLine(status: string, shown: number, total: number): string {
  if (status === 'idle') return 'Enter words, a channel or dates, then Search. An empty search lists the newest records.';
  if (status === 'loading') return 'Searching…';
  if (status === 'error') return '';
  if (total === 0) return 'No records match.';
  return total === shown
    ? `${formatCount(total)} ${total === 1 ? 'record matches' : 'records match'}.`
    : `Showing ${formatCount(shown)} of ${formatCount(total)} matching records.`;
}

function HitRow({ hit, onOpen }: { hit: SearchHit; onOpen: () => void }) {
  const text = hit.text ?? '';
  const body = text ? snippet(text, hit.highlights?.text) : [{ text: fallbackText(hit), mark: false }];
  return (
    <tr>
      <td className="nowrap">
        <time dateTime={hit.sentAt}>{formatUtc(hit.sentAt)}</time>
      </td>
      <td>{channelLabel(hit.channel)}</td>
      <td className="sender">{personLabel(hit.sender, hit.senderName)}</td>
      <td className="snippet">
        <Link to={recordPath(hit.id)} data-id={hit.id} onClick={onOpen}>
          {hit.subject && (
            <span className="subject">
              <Marked segments={splitHighlights(hit.subject, hit.highlights?.subject)} />
            </span>
          )}
          <Marked segments={body} />
        </Link>
        {(hit.edited || hit.deleted) && <span className="tag">{hit.deleted ? 'deleted' : 'edited'}</span>}
        {hit.conversationId && (
          <span className="hit-actions">
            <Link to={conversationPath(hit.conversationId, hit.id)} onClick={onOpen}>
              Open conversation
            </Link>
          </span>
        )}
      </td>
    </tr>
  );
}

/** What a hit without text is (a call, a status, an attachment alone), so its link still says something. */
function fallbackText(hit: SearchHit): string {
  if (hit.attachmentNames && hit.attachmentNames.length > 0) return `Attachment: ${hit.attachmentNames.join(', ')}`;
  return `(${hit.kind}, no text)`;
}
