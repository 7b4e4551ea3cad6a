import { createElement as h } from 'react';
import { personName } from '../../thread-format';
import type { ThreadReaction } from '../../thread-types';
import { Time } from './context';

/** Who reacted with what, as a labelled list; a removed reaction stays listed as removed (nothing is hidden). */
export function Reactions({ reactions, zone }: { reactions: readonly ThreadReaction[]; zone: string }) {
  if (reactions.length === 0) return null;
  return h(
    'ul',
    { className: 'reactions', 'aria-label': 'Reactions' },
    ...reactions.map((r) =>
      h(
        'li',
        { key: r.recordId, className: r.removed ? 'reaction reaction-removed' : 'reaction' },
        r.removed
          ? h('span', { className: 'reaction-emoji' }, 'Reaction removed')
          : h('span', { className: 'reaction-emoji', role: 'img', 'aria-label': `Reaction ${r.emoji}` }, r.emoji),
        ' ',
        h('span', { className: 'reaction-who' }, r.removed ? `by ${personName(r.by)}` : personName(r.by)),
        ' ',
        h('span', { className: 'reaction-at' }, h(Time, { iso: r.at, zone, withSeconds: false })),
      ),
    ),
  );
}
