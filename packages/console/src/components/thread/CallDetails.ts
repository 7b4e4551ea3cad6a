import { createElement as h } from 'react';
import { formatDuration, personName, routingEntries } from '../../thread-format';
import type { ThreadCall } from '../../thread-types';
import { Attachment } from './Attachments';
import { Time } from './context';

/** A call's facts: status, direction, duration, who called whom, routing; its recording in a player. */
export function CallDetails({ call, direction, zone }: { call: ThreadCall; direction: string; zone: string }) {
  const routing = routingEntries(call.routing);
  return h(
    'div',
    { className: 'call' },
    h(
      'dl',
      { className: 'call-facts' },
      h('dt', null, 'Status'),
      h('dd', null, call.status),
      h('dt', null, 'Direction'),
      h('dd', null, direction),
      h('dt', null, 'Duration'),
      h('dd', null, formatDuration(call.durationSec) ?? 'not recorded'),
      h('dt', null, 'From'),
      h('dd', null, personName(call.from)),
      h('dt', null, 'To'),
      h('dd', null, personName(call.to)),
      call.forwardedFrom && h('dt', null, 'Forwarded from'),
      call.forwardedFrom && h('dd', null, personName(call.forwardedFrom)),
      call.startedAt && h('dt', null, 'Started'),
      call.startedAt && h('dd', null, h(Time, { iso: call.startedAt, zone })),
      call.endedAt && h('dt', null, 'Ended'),
      call.endedAt && h('dd', null, h(Time, { iso: call.endedAt, zone })),
      h('dt', null, 'Routing'),
      h(
        'dd',
        null,
        routing.length === 0
          ? 'None recorded'
          : h('ul', { className: 'routing' }, ...routing.map(([k, v]) => h('li', { key: k }, h('span', { className: 'routing-key' }, `${k}: `), v))),
      ),
    ),
    call.recording && h(Attachment, { attachment: call.recording }),
  );
}
