import { PageHeading } from '../components/PageHeading';
import { Link } from '../router';

export function NotFound() {
  return (
    <>
      <PageHeading title="Page not found">Page not found</PageHeading>
      <p>
        The console has no page at this address. <Link to="/search">Go to Search</Link>.
      </p>
    </>
  );
}
