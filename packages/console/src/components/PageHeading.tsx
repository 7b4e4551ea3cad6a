import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A page's <h1> and <title>. Moving focus to the heading when a page opens is what tells a screen
 * reader user that the page changed (a client-side route change is otherwise silent); `focus` false
 * when the page puts focus somewhere better (the hit the user came back to).
 */
export function PageHeading({ title, children, focus = true }: { title: string; children: ReactNode; focus?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Custody`;
  }, [title]);
  useEffect(() => {
    if (focus) heading.current?.focus({ preventScroll: true });
    // on opening only (no deps on purpose): a later render must not pull focus back from where the user is
  }, []);
  return (
    <h1 ref={heading} tabIndex={-1} className="page-heading">
      {children}
    </h1>
  );
}
