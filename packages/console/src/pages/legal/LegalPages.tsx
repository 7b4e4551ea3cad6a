import type { LegalRoute } from '../../routes';
import { useSession } from '../../session';
import { ExportDetail } from './ExportDetail';
import { ExportsList } from './ExportsList';
import { HoldDetail } from './HoldDetail';
import { HoldNew } from './HoldNew';
import { HoldsList } from './HoldsList';
import './legal.css';

/** Legal's pages, one lazily loaded chunk: legal holds (list, one placed from the search, detail) and exports. */
export function LegalPages({ route }: { route: LegalRoute }) {
  const { state } = useSession();
  // the shell renders these pages only when signed in
  const role = state.status === 'signed-in' ? state.session.role : '';
  switch (route.page) {
    case 'holds':
      return <HoldsList role={role} />;
    case 'hold-new':
      return <HoldNew role={role} />;
    case 'hold':
      return <HoldDetail key={route.id} id={route.id} role={role} />;
    case 'exports':
      return <ExportsList role={role} />;
    case 'export':
      return <ExportDetail key={route.id} id={route.id} />;
  }
}
