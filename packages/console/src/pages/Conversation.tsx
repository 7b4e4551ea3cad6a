import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { Alert } from '../components/Alert';
import { PageHeading } from '../components/PageHeading';
import type { ThreadContext } from '../components/thread/context';
import { ThreadItem } from '../components/thread/ThreadItem';
import { VirtualList, type ScrollRequest } from '../components/VirtualList';
import { conversationApi } from '../conversation-api';
import { ApiError, userMessage } from '../errors';
import { Link, navigate, useLocationSearch } from '../router';
import { aroundFrom } from '../routes';
import { channelLabel } from '../search-query';
import { sideOf } from '../thread-format';
import type { ThreadEvent, ThreadPage } from '../thread-types';
import { browserTimeZone, UTC, zoneChoices, zoneName } from '../time-zone';

/**
 * The conversation view (issue 14): a whole thread as a chat, both sides, every record read back
 * from WORM by GET /v1/conversations/:id (or /v1/records/:id/context around a search hit) with its
 * own verification. Lazy-loaded (App.tsx): the first page of the console does not carry it.
 */

type Load =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; conversation: ThreadPage['conversation']; events: ThreadEvent[]; older: string | null; newer: string | null; focus: string | null };

/** The zone chosen last, for this tab's life (in memory only, like the search). */
let chosenZone = UTC;

const eventKey = (e: ThreadEvent) => e.id;
const rowClass = (e: ThreadEvent) => (e.kind === 'message' || e.kind === 'call' ? `thread-row thread-row-${sideOf(e)}` : 'thread-row thread-row-note');

export function Conversation({ id }: { id: string }) {
  const around = aroundFrom(useLocationSearch());
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [zone, setZone] = useState(chosenZone);
  const [busy, setBusy] = useState<{ older: boolean; newer: boolean }>({ older: false, newer: false });
  const [moreError, setMoreError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [scrollRequest, setScrollRequest] = useState<ScrollRequest | null>(null);
  const requests = useRef(0);
  const inFlight = useRef({ older: false, newer: false });
  const controller = useRef<AbortController | null>(null);
  const focusEdge = useRef<'start' | 'end' | null>(null);
  const startNote = useRef<HTMLParagraphElement>(null);
  const endNote = useRef<HTMLParagraphElement>(null);
  const zones = useMemo(() => zoneChoices(browserTimeZone()), []);

  const requestScroll = useCallback((key: string, focus: boolean) => {
    requests.current += 1;
    setScrollRequest({ key, token: requests.current, focus });
  }, []);

  // the thread around the hit (or from its start); a new address (another hit) loads again
  useEffect(() => {
    controller.current?.abort();
    const request = new AbortController();
    controller.current = request;
    inFlight.current = { older: false, newer: false };
    setBusy({ older: false, newer: false });
    setMoreError(null);
    setLoad({ status: 'loading' });
    const first = around ? conversationApi.context(around, request.signal) : conversationApi.thread(id, null, request.signal);
    first.then(
      (page) => {
        if (request.signal.aborted) return;
        if (page.conversation.id !== id) {
          setLoad({ status: 'error', message: 'That record is not part of this conversation.' });
          return;
        }
        const focus = page.focus ?? null;
        setLoad({ status: 'ready', conversation: page.conversation, events: page.events, older: page.page.older, newer: page.page.newer, focus });
        setAnnouncement(`${page.events.length} ${page.events.length === 1 ? 'record' : 'records'} loaded${focus ? ', centred on the search hit' : ''}.`);
        if (focus) requestScroll(focus, false);
      },
      (err: unknown) => {
        // a lost session sends the console to sign-in; an abort is this page being left
        if (request.signal.aborted || (err instanceof ApiError && err.status === 401)) return;
        const message =
          err instanceof ApiError && err.status === 404
            ? around
              ? 'No record with this id is in the archive.'
              : 'No conversation with this id is in the archive.'
            : userMessage(err, 'record');
        setLoad({ status: 'error', message });
      },
    );
    return () => request.abort();
  }, [id, around, requestScroll]);

  const ready = load.status === 'ready' ? load : null;
  /** The records shown, for what a page read on either way adds to them. */
  const events = useRef<ThreadEvent[]>([]);
  events.current = ready?.events ?? [];
  const older = ready?.older ?? null;
  const newer = ready?.newer ?? null;

  const loadMore = useCallback(
    (way: 'older' | 'newer') => {
      const cursor = way === 'older' ? older : newer;
      if (!cursor || inFlight.current[way]) return;
      const signal = controller.current?.signal;
      inFlight.current[way] = true;
      setBusy((b) => ({ ...b, [way]: true }));
      setMoreError(null);
      conversationApi.thread(id, way === 'older' ? { before: cursor } : { after: cursor }, signal).then(
        (page) => {
          if (signal?.aborted) return;
          inFlight.current[way] = false;
          setBusy((b) => ({ ...b, [way]: false }));
          const shown = new Set(events.current.map((e) => e.id));
          const added = page.events.filter((e) => !shown.has(e.id)).length;
          setLoad((s) => {
            if (s.status !== 'ready') return s;
            const seen = new Set(s.events.map((e) => e.id));
            const fresh = page.events.filter((e) => !seen.has(e.id));
            return way === 'older'
              ? { ...s, events: [...fresh, ...s.events], older: page.page.older }
              : { ...s, events: [...s.events, ...fresh], newer: page.page.newer };
          });
          const what = way === 'older' ? 'earlier' : 'later';
          setAnnouncement(added > 0 ? `${added} ${what} ${added === 1 ? 'record' : 'records'} loaded.` : `No ${what} records.`);
        },
        (err: unknown) => {
          if (signal?.aborted) return;
          inFlight.current[way] = false;
          setBusy((b) => ({ ...b, [way]: false }));
          if (err instanceof ApiError && err.status === 401) return;
          setMoreError(userMessage(err, 'record'));
        },
      );
    },
    [id, older, newer],
  );

  // the button that was pressed is gone (nothing more that way): focus the note that says so, not the page
  useEffect(() => {
    if (focusEdge.current === 'start' && !older) startNote.current?.focus();
    if (focusEdge.current === 'end' && !newer) endNote.current?.focus();
    if ((focusEdge.current === 'start' && !older) || (focusEdge.current === 'end' && !newer)) focusEdge.current = null;
  }, [older, newer]);

  const pressMore = (way: 'older' | 'newer', event: MouseEvent<HTMLButtonElement>) => {
    if (document.activeElement === event.currentTarget) focusEdge.current = way === 'older' ? 'start' : 'end';
    loadMore(way);
  };

  const chooseZone = (value: string) => {
    chosenZone = value;
    setZone(value);
  };

  const ctx: ThreadContext = useMemo(() => ({ conversationId: id, zone }), [id, zone]);
  const focus = ready?.focus ?? null;
  const renderItem = useCallback((e: ThreadEvent) => <ThreadItem event={e} ctx={ctx} hit={e.id === focus} />, [ctx, focus]);
  const loaded = useMemo(() => new Set(ready?.events.map((e) => e.id) ?? []), [ready?.events]);

  // links inside the thread (plain <a data-nav> from the thread components): a quoted or revised
  // message already loaded is scrolled to and focused; anything else navigates in place
  const followLink = (event: MouseEvent<HTMLDivElement>) => {
    const link = (event.target as Element).closest?.<HTMLAnchorElement>('a[data-nav]');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const jump = link.dataset.jump;
    if (jump && loaded.has(jump)) requestScroll(jump, true);
    else navigate(link.getAttribute('href') ?? '/search');
  };

  const title = ready?.conversation.title ?? null;
  return (
    <>
      <p className="back">
        <Link to="/search">Back to results</Link>
      </p>
      <PageHeading title={title ? `Conversation ${title}` : 'Conversation'}>Conversation{title && `: ${title}`}</PageHeading>
      {load.status === 'loading' && (
        <p role="status" aria-busy="true">
          Loading the conversation…
        </p>
      )}
      {load.status === 'error' && <Alert message={load.message} />}
      {ready && (
        <>
          <dl className="facts thread-facts">
            <dt>Conversation</dt>
            <dd className="code">{ready.conversation.id}</dd>
            <dt>Type</dt>
            <dd>{ready.conversation.type ?? 'not recorded'}</dd>
            <dt>Channels</dt>
            <dd>{ready.conversation.channels.map(channelLabel).join(', ') || 'none'}</dd>
          </dl>
          <div className="thread-toolbar">
            <div className="field">
              <label htmlFor="thread-zone">Time zone</label>
              <select id="thread-zone" value={zone} onChange={(e) => chooseZone(e.target.value)}>
                {zones.map((z) => (
                  <option key={z.value} value={z.value}>
                    {z.label}
                  </option>
                ))}
              </select>
            </div>
            <p className="muted thread-note">
              Times in {zoneName(zone)}. Each record was read back from the archive store and its hashes checked on this read; open a badge for the details.
            </p>
          </div>
          <p role="status" className="visually-hidden">
            {announcement}
          </p>
          <Alert message={moreError} />
          <div className="thread-edge">
            {older ? (
              <button type="button" className="button-secondary" onClick={(e) => pressMore('older', e)} aria-disabled={busy.older || undefined}>
                {busy.older ? 'Loading earlier messages…' : 'Earlier messages'}
              </button>
            ) : (
              <p className="muted" tabIndex={-1} ref={startNote}>
                Start of the conversation.
              </p>
            )}
          </div>
          {ready.events.length === 0 ? (
            <p>This conversation has no records.</p>
          ) : (
            <VirtualList
              items={ready.events}
              itemKey={eventKey}
              renderItem={renderItem}
              rowClass={rowClass}
              currentKey={focus}
              label="Messages in this conversation"
              setSize={older || newer ? -1 : ready.events.length}
              scrollRequest={scrollRequest}
              onNearStart={() => loadMore('older')}
              onNearEnd={() => loadMore('newer')}
              onClick={followLink}
            />
          )}
          <div className="thread-edge">
            {newer ? (
              <button type="button" className="button-secondary" onClick={(e) => pressMore('newer', e)} aria-disabled={busy.newer || undefined}>
                {busy.newer ? 'Loading later messages…' : 'Later messages'}
              </button>
            ) : (
              <p className="muted" tabIndex={-1} ref={endNote}>
                Latest captured record.
              </p>
            )}
          </div>
        </>
      )}
    </>
  );
}
