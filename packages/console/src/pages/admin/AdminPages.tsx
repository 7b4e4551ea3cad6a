import type { AdminRoute } from '../../routes';
import './admin.css';
import { ConnectorPage } from './ConnectorPage';
import { ConnectorsPage } from './ConnectorsPage';
import { DirectoryPage } from './DirectoryPage';
import { HealthPage } from './HealthPage';
import { KeysPage } from './KeysPage';
import { RetentionPage } from './RetentionPage';

/** Admins' pages, one per section of /admin; a connector instance has a page of its own. */
export function AdminPages({ route }: { route: AdminRoute }) {
  switch (route.section) {
    case 'connectors':
      return route.id ? <ConnectorPage key={route.id} name={route.id} /> : <ConnectorsPage />;
    case 'keys':
      return <KeysPage />;
    case 'retention':
      return <RetentionPage />;
    case 'directory':
      return <DirectoryPage />;
    case 'health':
      return <HealthPage />;
  }
}
