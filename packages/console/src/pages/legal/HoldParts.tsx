import { holdReportPath } from '../../legal-api';
import { holdScopeParts } from '../../legal-scope';
import type { Hold, HoldScope } from '../../legal-types';

/** Active or released, in words and colour (the word carries the meaning; the colour only repeats it). */
export function HoldStatus({ status }: { status: Hold['status'] }) {
  return status === 'active' ? <span className="status-ok">Active</span> : <span className="status-released">Released</span>;
}

/** The tenant's hold report (every hold, who placed and released it, records held now): plain links, the session cookie goes with them. */
export function HoldReportLinks() {
  return (
    <p>
      <a href={holdReportPath('csv')} download>
        Download hold report (CSV)
      </a>
      {' · '}
      <a href={holdReportPath('json')} download="hold-report.json">
        Download hold report (JSON)
      </a>
    </p>
  );
}

/** A hold scope as a list, one criterion a line. */
export function ScopeList({ scope }: { scope: HoldScope }) {
  const parts = holdScopeParts(scope);
  if (parts.length === 0) return <p>No criterion.</p>;
  return (
    <ul className="scope-list">
      {parts.map((p) => (
        <li key={p.label}>
          {p.label}: {p.value}
        </li>
      ))}
    </ul>
  );
}
