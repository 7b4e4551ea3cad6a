import { useEffect, useRef, type ReactNode } from 'react';
import { CopyButton } from './CopyButton';

/**
 * A key's token, the one time it exists outside Custody (which keeps only its hash): shown with a
 * copy button and a warning, focused as it appears so the reader is taken straight to it, gone
 * when the reader says it is copied.
 */
export function OneTimeToken({
  heading,
  token,
  warning,
  onDone,
  children,
}: {
  heading: string;
  token: string;
  warning: string;
  onDone: () => void;
  children?: ReactNode;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [token]);
  return (
    <section className="panel panel-warning" aria-labelledby="one-time-token-heading">
      <h2 id="one-time-token-heading" ref={headingRef} tabIndex={-1}>
        {heading}
      </h2>
      {children}
      <p className="warning">{warning}</p>
      <p className="token">
        <code>{token}</code>
      </p>
      <CopyButton text={token} label="Copy key" />
      <p>
        <button type="button" className="button-secondary" onClick={onDone}>
          I have copied the key
        </button>
      </p>
    </section>
  );
}
