import type { SupervisionRoute } from '../../routes';
import { useSession } from '../../session';
import '../admin/admin.css';
import { AlertPage } from './AlertPage';
import { LookbacksPage } from './LookbacksPage';
import { PoliciesPage } from './PoliciesPage';
import { PolicyPage } from './PolicyPage';
import { QueuesPage } from './QueuesPage';
import { ReportsPage } from './ReportsPage';
import { SamplingPage } from './SamplingPage';
import './supervision.css';

/**
 * Supervision, one lazily loaded chunk: the review queues and an alert's review screen (reviewers,
 * compliance; auditors read), and the principal's policies, sampling plans, lookbacks and reports.
 * It shares the admin pages' form and table styles, which it loads with it.
 */
export function SupervisionPages({ route }: { route: SupervisionRoute }) {
  const { state } = useSession();
  // the shell renders these pages only when signed in
  const role = state.status === 'signed-in' ? state.session.role : '';
  switch (route.page) {
    case 'review':
      return <QueuesPage role={role} />;
    case 'alert':
      return <AlertPage key={route.id} id={route.id} role={role} />;
    case 'supervision':
      switch (route.section) {
        case 'policies':
          return route.id ? <PolicyPage key={route.id} id={route.id} role={role} /> : <PoliciesPage role={role} />;
        case 'sampling':
          return <SamplingPage role={role} />;
        case 'lookbacks':
          return <LookbacksPage role={role} />;
        case 'reports':
          return <ReportsPage />;
      }
  }
}
