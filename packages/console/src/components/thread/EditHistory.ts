import { createElement as h } from 'react';
import { personName } from '../../thread-format';
import type { ThreadVersion } from '../../thread-types';
import { Time } from './context';

/** Every version of an edited message, the original first, each with its time and who wrote it, behind a disclosure. */
export function EditHistory({ versions, zone }: { versions: readonly ThreadVersion[]; zone: string }) {
  if (versions.length === 0) return null;
  return h(
    'details',
    { className: 'edit-history' },
    h('summary', null, `Edit history (${versions.length} versions)`),
    h(
      'ol',
      { className: 'versions' },
      ...versions.map((v, i) =>
        h(
          'li',
          { key: v.recordId, className: 'version' },
          h(
            'p',
            { className: 'version-head' },
            h('strong', null, v.original ? 'Original' : `Edit ${i}`),
            ' · ',
            h(Time, { iso: v.sentAt, zone }),
            ` · ${personName(v.by)}`,
          ),
          v.text === null ? h('p', { className: 'version-text muted' }, '(no text)') : h('p', { className: 'version-text' }, v.text),
        ),
      ),
    ),
  );
}
