import { useState, type ReactNode } from 'react';
import { userMessage } from '../errors';
import { Link } from '../router';
import { navFor } from '../routes';
import type { Session } from '../types';
import { Alert } from './Alert';

/** The frame of every signed-in page: skip link, header (who is signed in, sign out), nav, main. */
export function AppShell({
  session,
  current,
  onSignOut,
  children,
}: {
  session: Session;
  current: string;
  onSignOut: () => Promise<void>;
  children: ReactNode;
}) {
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signOut = () => {
    if (signingOut) return;
    setSigningOut(true);
    setError(null);
    // on success the session context signs out and this shell is gone; on failure it stays, and says why
    onSignOut().catch((err: unknown) => {
      setSigningOut(false);
      setError(`Not signed out: ${userMessage(err, 'sign-out')}`);
    });
  };
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="app-header">
        <p className="brand">Custody</p>
        <p className="who">
          <span className="visually-hidden">Signed in to tenant </span>
          <span className="tenant">{session.tenant}</span>
          <span className="visually-hidden">, role </span>
          <span className="role">{session.role}</span>
        </p>
        <button type="button" className="button-secondary" onClick={signOut} aria-disabled={signingOut || undefined}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </header>
      <nav className="app-nav" aria-label="Main">
        <ul>
          {navFor(session.role).map((item) => (
            <li key={item.to}>
              <Link to={item.to} aria-current={current === item.page ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Alert message={error} />
        {children}
      </main>
    </>
  );
}
