import { holdPath } from '../../legal-api';
import { exportScopeLine } from '../../legal-scope';
import type { ExportScope } from '../../legal-types';
import { Link } from '../../router';

/** What an export produces; a hold's export links to the hold. */
export function ExportScopeText({ scope }: { scope: ExportScope }) {
  if (scope.holdId) {
    return (
      <>
        Legal hold <Link to={holdPath(scope.holdId)}>{scope.holdId}</Link>
      </>
    );
  }
  return <>{exportScopeLine(scope)}</>;
}
