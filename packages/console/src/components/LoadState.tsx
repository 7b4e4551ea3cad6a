import { Alert } from './Alert';

/**
 * What a page shows while its data loads, or when loading failed: the loading line (a status, so a
 * screen reader hears it), the error as an alert, and a "Try again" that loads once more.
 */
export function LoadState({ loading, what, error, onRetry }: { loading: boolean; what: string; error: string | null; onRetry: () => void }) {
  return (
    <>
      {loading && (
        <p role="status" aria-busy="true">
          Loading {what}…
        </p>
      )}
      <Alert message={error} />
      {error && (
        <button type="button" className="button-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </>
  );
}
