import { createElement as h } from 'react';
import { formatBytes, previewOf } from '../../thread-format';
import type { ThreadAttachment } from '../../thread-types';

/**
 * An attachment from its verified download route (same origin: the CSP's img-src and media-src allow
 * 'self'): an image inline, audio (a voice note, a call recording) in a player, anything else as a
 * download, each with its size and its SHA-256 (the envelope's, or for media fetched after capture the WORM manifest's; selectable, to compare).
 */
export function Attachment({ attachment: a }: { attachment: ThreadAttachment }) {
  const preview = previewOf(a);
  const name = a.fileName ?? `${a.kind} attachment`;
  const size = formatBytes(a.size);
  return h(
    'div',
    { className: `attachment attachment-${preview}` },
    preview === 'image' &&
      h('img', {
        src: a.href,
        alt: a.caption ?? (a.fileName ? `Image ${a.fileName}` : 'Image attachment'),
        loading: 'lazy',
        decoding: 'async',
        className: 'attachment-image',
      }),
    preview === 'audio' &&
      h('audio', {
        src: a.href,
        controls: true,
        preload: 'none',
        className: 'attachment-audio',
        'aria-label': a.kind === 'recording' ? 'Call recording' : `Audio ${name}`,
      }),
    a.caption && h('p', { className: 'attachment-caption' }, a.caption),
    h(
      'p',
      { className: 'attachment-file' },
      h('a', { href: a.href, download: a.fileName ?? true }, `Download ${name}`),
      [a.mimeType, size].some(Boolean) && h('span', { className: 'attachment-meta' }, ` (${[a.mimeType, size].filter(Boolean).join(', ')})`),
    ),
    h(
      'p',
      { className: 'attachment-hash' },
      'SHA-256 ',
      a.sha256 ? h('code', { className: 'hash' }, a.sha256) : h('span', { className: 'muted' }, 'not fetched from the vendor yet'),
    ),
  );
}

export function Attachments({ attachments }: { attachments: readonly ThreadAttachment[] }) {
  if (attachments.length === 0) return null;
  return h(
    'ul',
    { className: 'attachments', 'aria-label': 'Attachments' },
    ...attachments.map((a) => h('li', { key: a.id }, h(Attachment, { attachment: a }))),
  );
}
