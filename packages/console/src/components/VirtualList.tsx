import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FocusEvent, type MouseEvent, type ReactNode } from 'react';
import { prefixOffsets, renderPlan, rowAt, scrollTopFor, visibleRange } from '../virtual-window';

/**
 * A windowed list, hand-written (a few dozen lines of arithmetic in virtual-window.ts; no dependency
 * in the bundle): a fixed-height scroller renders only the rows in view plus `overscan` rows either
 * side, and a spacer stands in for each run of rows left out. Row heights are estimated until a row
 * has been rendered once, then measured (ResizeObserver: an image loading or a disclosure opening
 * re-measures it).
 *
 * The CSP (style-src 'self', no 'unsafe-inline') blocks style attributes in markup, so neither the
 * spacers nor anything else here has one, and React's `style` prop is never used. The spacers' heights
 * are set through the CSSOM instead (`element.style.setProperty('height', …)` in a layout effect):
 * CSP3 governs inline style attributes and <style> elements, and setting one property of an element's
 * style declaration from an allowed script is no inline style (MDN, style-src: "styles properties that
 * are set directly on the element's style property will not be blocked"; only `setAttribute('style')`
 * and `style.cssText` are). The browser e2e checks the console logs no CSP violation.
 *
 * Accessibility: the scroller is a focusable region with a label (keyboard users scroll it with the
 * arrow keys), the rows are role="listitem" with aria-posinset/aria-setsize since most are not in
 * the DOM, and the row holding focus stays rendered when scrolled out of view (focus never falls to
 * the page).
 */

export interface ScrollRequest {
  key: string;
  /** A new number for every request, so asking for the same row again scrolls again. */
  token: number;
  /** Move focus to the row once it is in the DOM. */
  focus: boolean;
}

export interface VirtualListProps<T> {
  items: readonly T[];
  itemKey: (item: T) => string;
  /** Stable (useCallback): every row re-renders when it changes. */
  renderItem: (item: T) => ReactNode;
  /** Class names of a row's list item; `current` marks it aria-current. */
  rowClass?: (item: T) => string;
  currentKey?: string | null;
  /** The scroller region's accessible name. */
  label: string;
  /** The whole list's size when known; -1 (ARIA's "unknown") when more rows exist than are loaded. */
  setSize: number;
  /** Height assumed for a row never rendered yet. */
  estimate?: number;
  overscan?: number;
  scrollRequest?: ScrollRequest | null;
  /** Called as the user scrolls near either end (the caller loads more, once). */
  onNearStart?: () => void;
  onNearEnd?: () => void;
  onClick?: (event: MouseEvent<HTMLDivElement>) => void;
}

/** How close to an end (px) counts as near it. */
const NEAR = 240;
/** The viewport assumed before the scroller has been laid out. */
const FALLBACK_VIEWPORT = 640;

export function VirtualList<T>(props: VirtualListProps<T>) {
  const {
    items,
    itemKey,
    renderItem,
    rowClass,
    currentKey,
    label,
    setSize,
    estimate = 140,
    overscan = 6,
    scrollRequest,
    onNearStart,
    onNearEnd,
    onClick,
  } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const rows = useRef(new Map<string, HTMLElement>());
  const [version, setVersion] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);
  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  /** The row being brought into view: kept there while measurements move it, until the user scrolls. */
  const pending = useRef<ScrollRequest | null>(null);
  /** The user scrolled, clicked or typed in the list: only then do the ends load more by themselves. */
  const interacted = useRef(false);
  /** The first row in view and how far into it the view starts: kept in place when rows are added above. */
  const anchor = useRef<{ key: string; delta: number } | null>(null);
  /** Where this component last scrolled to: any other position was the user's (a scrollbar drag fires no pointer event in every browser). */
  const programmatic = useRef<number | null>(null);

  const keys = useMemo(() => items.map(itemKey), [items, itemKey]);
  const indexOf = useMemo(() => new Map(keys.map((k, i) => [k, i])), [keys]);
  // `version` changes when a row's measured height does (the heights live in a ref)
  const offsets = useMemo(() => prefixOffsets(keys.map((k) => heights.current.get(k) ?? estimate)), [keys, version, estimate]);
  const latest = useRef({ keys, offsets, indexOf, estimate });
  latest.current = { keys, offsets, indexOf, estimate };

  const range = visibleRange(offsets, scrollTop, viewport || FALLBACK_VIEWPORT, overscan);
  const pinned = [focusedKey, pending.current?.key].flatMap((k) => (k && indexOf.has(k) ? [indexOf.get(k)!] : []));
  const plan = renderPlan(offsets, range, pinned);

  const rememberAnchor = useCallback((top: number) => {
    const { keys: ks, offsets: os } = latest.current;
    if (ks.length === 0) return;
    const i = rowAt(os, top);
    anchor.current = { key: ks[i], delta: top - os[i] };
  }, []);

  // measure rows as they render and whenever their size changes; one observer for the list
  const observer = useMemo(
    () =>
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            const el = scroller.current;
            if (!el) return;
            const viewTop = el.getBoundingClientRect().top;
            let changed = false;
            let shift = 0;
            for (const entry of entries) {
              const row = entry.target as HTMLElement;
              const key = row.dataset.vkey;
              if (!key) continue;
              const size = entry.borderBoxSize?.[0]?.blockSize ?? row.getBoundingClientRect().height;
              const before = heights.current.get(key);
              if (before !== undefined && Math.abs(before - size) < 0.5) continue;
              heights.current.set(key, size);
              changed = true;
              // a row wholly above the view changed size: scroll by as much, so what is in view stays put
              // (the anchor effect below agrees: the first row in view moved down by as much)
              if (row.getBoundingClientRect().bottom <= viewTop + 0.5) shift += size - (before ?? latest.current.estimate);
            }
            if (shift !== 0 && !pending.current) {
              el.scrollTop += shift;
              programmatic.current = el.scrollTop;
            }
            if (changed) setVersion((v) => v + 1);
          }),
    [],
  );
  useEffect(() => () => observer?.disconnect(), [observer]);

  const register = useCallback((key: string, el: HTMLElement | null) => {
    if (el) rows.current.set(key, el);
    else rows.current.delete(key);
  }, []);

  // the viewport's height: the scroller is fixed-height, but the window can be resized
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setViewport(el.clientHeight);
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const applyPending = useCallback(() => {
    const el = scroller.current;
    const request = pending.current;
    if (!el || !request) return;
    const { offsets: os, indexOf: ix } = latest.current;
    const index = ix.get(request.key);
    if (index === undefined) return;
    el.scrollTop = scrollTopFor(os, index, el.clientHeight || FALLBACK_VIEWPORT, 'center');
    programmatic.current = el.scrollTop;
    setScrollTop(el.scrollTop);
    if (request.focus) {
      const row = rows.current.get(request.key);
      if (row) {
        row.focus({ preventScroll: true });
        pending.current = { ...request, focus: false };
      }
    }
  }, []);

  // a new request: bring that row into view (and keep it there while the rows around it are measured)
  useLayoutEffect(() => {
    if (!scrollRequest || !indexOf.has(scrollRequest.key)) return;
    pending.current = scrollRequest;
    applyPending();
    // only a new request (a new token) scrolls
  }, [scrollRequest?.token]);

  // rows added or measured: the requested row stays centred; otherwise what was in view stays in view
  const firstKey = keys[0];
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (pending.current) {
      applyPending();
      return;
    }
    const a = anchor.current;
    const index = a ? indexOf.get(a.key) : undefined;
    if (a && index !== undefined) {
      const want = Math.round(offsets[index] + a.delta);
      if (Math.abs(el.scrollTop - want) >= 1 && firstKey !== undefined) {
        el.scrollTop = want;
        programmatic.current = el.scrollTop;
        setScrollTop(el.scrollTop);
      }
    }
    rememberAnchor(el.scrollTop);
    // when the first row changes (earlier rows loaded) and when heights are measured
  }, [firstKey, offsets]);

  // the requested row is in the DOM now: give it focus when asked to
  useLayoutEffect(() => {
    const request = pending.current;
    if (request?.focus && rows.current.has(request.key)) applyPending();
  });

  const userScrolls = useCallback(() => {
    interacted.current = true;
    pending.current = null;
  }, []);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    // a scroll this component did not make is the user's (wheel, keys, a dragged scrollbar, a Tab into a row)
    const ours = programmatic.current !== null && Math.abs(el.scrollTop - programmatic.current) <= 2;
    programmatic.current = null;
    if (!ours) userScrolls();
    setScrollTop(el.scrollTop);
    if (!pending.current) rememberAnchor(el.scrollTop);
    if (!interacted.current || pending.current) return;
    if (el.scrollTop < NEAR) onNearStart?.();
    if (el.scrollHeight - el.scrollTop - el.clientHeight < NEAR) onNearEnd?.();
  };

  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-vkey]');
    setFocusedKey(row?.dataset.vkey ?? null);
  };
  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    if (!(event.relatedTarget instanceof Node) || !event.currentTarget.contains(event.relatedTarget)) setFocusedKey(null);
  };

  return (
    <div
      ref={scroller}
      className="vlist-scroller"
      role="region"
      aria-label={label}
      tabIndex={0}
      onScroll={onScroll}
      onWheel={userScrolls}
      onTouchStart={userScrolls}
      onPointerDown={userScrolls}
      onKeyDown={userScrolls}
      onClick={onClick}
    >
      <div role="list" className="vlist" onFocus={onFocus} onBlur={onBlur}>
        {plan.map((slot) => {
          if (slot.kind === 'spacer') return <Spacer key={slot.key} height={slot.height} />;
          const item = items[slot.index];
          const key = keys[slot.index];
          return (
            <Row
              key={key}
              vkey={key}
              item={item}
              position={slot.index + 1}
              setSize={setSize}
              className={rowClass ? rowClass(item) : ''}
              current={key === currentKey}
              render={renderItem as (item: unknown) => ReactNode}
              observer={observer}
              register={register}
            />
          );
        })}
      </div>
    </div>
  );
}

/** Stands in for rows left out: its height set through the CSSOM (see above), never a style attribute. */
function Spacer({ height }: { height: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    ref.current?.style.setProperty('height', `${Math.max(0, Math.round(height))}px`);
  }, [height]);
  return <div ref={ref} className="vlist-spacer" aria-hidden="true" />;
}

interface RowProps {
  vkey: string;
  item: unknown;
  position: number;
  setSize: number;
  className: string;
  current: boolean;
  render: (item: unknown) => ReactNode;
  observer: ResizeObserver | null;
  register: (key: string, el: HTMLElement | null) => void;
}

/** One row: measured while it is in the DOM; re-rendered only when its record, position or the renderer change. */
const Row = memo(function Row({ vkey, item, position, setSize, className, current, render, observer, register }: RowProps) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    register(vkey, el);
    observer?.observe(el);
    return () => {
      observer?.unobserve(el);
      register(vkey, null);
    };
  }, [vkey, observer, register]);
  return (
    <div
      ref={ref}
      role="listitem"
      aria-posinset={position}
      aria-setsize={setSize}
      aria-current={current ? 'true' : undefined}
      data-vkey={vkey}
      tabIndex={-1}
      className={`vlist-row${className ? ` ${className}` : ''}`}
    >
      {render(item)}
    </div>
  );
});
