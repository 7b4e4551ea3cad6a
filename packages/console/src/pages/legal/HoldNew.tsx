import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { InputField, TextAreaField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { ApiError, userMessage } from '../../errors';
import { canPlaceHolds, holdPath, legalApi } from '../../legal-api';
import { firstProblem, holdFormProblems, type Problems } from '../../legal-forms';
import { records } from '../../legal-jobs';
import { holdScopeFrom } from '../../legal-scope';
import type { HoldScope } from '../../legal-types';
import { Link, navigate } from '../../router';
import { formProblem, searchRequest } from '../../search-query';
import { useSearch } from '../../search-state';
import type { SearchRequest } from '../../types';
import { ScopeList } from './HoldParts';

/**
 * A hold placed from the current search: its scope is the search's, exactly, or the page says why
 * it cannot be; the records it would hold are counted (POST /v1/holds/preview, the job's own
 * selection) before anything can be placed.
 */
export function HoldNew({ role }: { role: string }) {
  const { state } = useSearch();
  const problem = formProblem(state.form);
  const request = useMemo(() => searchRequest(state.form), [state.form]);
  const translation = useMemo(() => holdScopeFrom(request), [request]);

  return (
    <>
      <PageHeading title="Place a legal hold">Place a legal hold</PageHeading>
      <p className="back">
        <Link to="/holds">All legal holds</Link>
      </p>
      {translation.kind === 'empty' ? (
        <>
          <p>There is no current search. A hold is placed from a search: search for the records the matter covers, then come back here.</p>
          <p>
            <Link to="/search">Go to Search</Link>
          </p>
        </>
      ) : problem || translation.kind === 'refused' ? (
        <Refusal reasons={problem ? [problem] : translation.kind === 'refused' ? translation.reasons : []} />
      ) : (
        <ScopePreview key={JSON.stringify(translation.scope)} scope={translation.scope} request={request} role={role} />
      )}
    </>
  );
}

function Refusal({ reasons }: { reasons: string[] }) {
  return (
    <div className="refusal">
      <h2>This search cannot become a hold</h2>
      <p>A hold covers custodians, participants, channels, a date range and words that must all appear in the text. The current search:</p>
      <ul>
        {reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      <p>Nothing is left out or added for you: change the search so that a hold covers exactly the records it finds.</p>
      <p>
        <Link to="/search">Change the search</Link>
      </p>
    </div>
  );
}

type Count = { status: 'loading' } | { status: 'done'; count: number; searchTotal: number | null } | { status: 'error'; error: string };

function ScopePreview({ scope, request, role }: { scope: HoldScope; request: SearchRequest; role: string }) {
  const [count, setCount] = useState<Count>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    setCount({ status: 'loading' });
    // the search's own total is only set beside the hold's count: the count is what matters, so a
    // failed search leaves it out rather than failing the preview
    const searchTotal = legalApi.searchTotal(request, abort.signal).catch(() => null);
    legalApi.previewHold(scope, abort.signal).then(
      async ({ count: n }) => {
        const total = await searchTotal;
        if (!abort.signal.aborted) setCount({ status: 'done', count: n, searchTotal: total });
      },
      (err: unknown) => {
        if (abort.signal.aborted || (err instanceof ApiError && err.status === 401)) return;
        setCount({ status: 'error', error: userMessage(err, { action: 'preview legal holds' }) });
      },
    );
    return () => abort.abort();
  }, [scope, request, attempt]);

  return (
    <>
      <section aria-labelledby="hold-scope-heading">
        <h2 id="hold-scope-heading">What the hold covers</h2>
        <ScopeList scope={scope} />
        {scope.query && (
          <p className="hint">
            A hold looks for these exact words in the message text (captions and file names included). Unlike search, it does not find other forms of a word
            (fill does not find filled), nor words that are only in an email’s subject.
          </p>
        )}
        <p className="hint">It also holds every matching record archived from now on, until it is released.</p>
      </section>

      <section aria-labelledby="hold-count-heading">
        <h2 id="hold-count-heading">Records it would hold</h2>
        <div role="status" aria-busy={count.status === 'loading'}>
          {count.status === 'loading' && <p>Counting the records this hold would cover…</p>}
          {count.status === 'done' && <CountLine count={count.count} searchTotal={count.searchTotal} words={scope.query !== undefined} />}
        </div>
        {count.status === 'error' && (
          <>
            <Alert message={count.error} />
            <button type="button" className="button-secondary" onClick={() => setAttempt((a) => a + 1)}>
              Count again
            </button>
          </>
        )}
      </section>

      {count.status === 'done' &&
        (canPlaceHolds(role) ? (
          <PlaceForm scope={scope} />
        ) : (
          <p>
            Only the legal role can place holds. Your role ({role}) can export this search from <Link to="/exports">Exports</Link>.
          </p>
        ))}
    </>
  );
}

function CountLine({ count, searchTotal, words }: { count: number; searchTotal: number | null; words: boolean }) {
  return (
    <>
      <p className="preview-count">This hold would hold {records(count)} now.</p>
      {count === 0 && <p>No archived record matches yet: placing it still holds matching records archived later.</p>}
      {searchTotal !== null && searchTotal === count && <p>These are the records your search matches.</p>}
      {searchTotal !== null && searchTotal !== count && (
        <p>
          Your search matches {records(searchTotal)}.{words && ' The difference is the words: the hold needs them exactly as written, in the message text.'}
        </p>
      )}
    </>
  );
}

function PlaceForm({ scope }: { scope: HoldScope }) {
  const [form, setForm] = useState({ matter: '', reason: '' });
  const [problems, setProblems] = useState<Problems<'matter' | 'reason'>>({});
  const [placing, setPlacing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fields = { matter: useRef<HTMLInputElement>(null), reason: useRef<HTMLTextAreaElement>(null) };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (placing) return;
    const found = holdFormProblems(form);
    setProblems(found);
    const first = firstProblem(found, ['matter', 'reason'] as const);
    if (first) {
      fields[first].current?.focus();
      return;
    }
    setPlacing(true);
    setError(null);
    try {
      const { hold } = await legalApi.placeHold({ matter: form.matter.trim(), reason: form.reason.trim(), scope });
      navigate(holdPath(hold.id));
    } catch (err) {
      setPlacing(false);
      if (err instanceof ApiError && err.status === 401) return;
      setError(userMessage(err, { action: 'place legal holds' }));
    }
  };

  return (
    <section aria-labelledby="hold-place-heading" className="legal-section">
      <h2 id="hold-place-heading">Place the hold</h2>
      <form className="legal-form" onSubmit={submit} noValidate>
        <InputField
          ref={fields.matter}
          id="hold-matter"
          label="Matter"
          error={problems.matter}
          type="text"
          maxLength={512}
          value={form.matter}
          onChange={(e) => setForm({ ...form, matter: e.target.value })}
        />
        <TextAreaField
          ref={fields.reason}
          id="hold-reason"
          label="Reason"
          hint="Kept with the hold and in the hold report: the litigation, investigation or request it preserves records for."
          error={problems.reason}
          maxLength={4000}
          value={form.reason}
          onChange={(e) => setForm({ ...form, reason: e.target.value })}
        />
        <Alert message={error} />
        <div>
          <button type="submit" aria-disabled={placing || undefined}>
            {placing ? 'Placing the hold…' : 'Place hold'}
          </button>
        </div>
      </form>
    </section>
  );
}
