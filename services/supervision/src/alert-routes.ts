import type { ArchiveStore } from '@custody/archive-store';
import type { AlertTable } from '@custody/control';
import { RejectedInputError } from '@custody/errors';
import { json, route, type Route } from '@custody/http';
import { screenedEnvelope } from './screened-record';
import { ATTACHMENT_NAME_SEPARATOR, DISPOSITIONS, normalize, readPolicyVersion, type Alert } from '@custody/supervision';
import { z } from 'zod';
import { ALERT_READERS, REVIEWERS, listable, visibleAlert } from './alert-access';
import type { DirectoryView } from './directory-view';
import { AlertDetail, AlertList, AlertParams, AlertQuery, QueueView, ReasonCodes } from './schemas';

export interface AlertRouteDeps {
  store: ArchiveStore;
  alerts: AlertTable;
  directory: DirectoryView;
}

const view = ({ tenant: _t, ...a }: Alert) => a;
const oldestFirst = (a: Alert, b: Alert) => a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id);

/** Reading alerts: queues, lists, one alert with the texts it was screened on (from WORM), reason codes, notifications. */
export function alertRoutes(deps: AlertRouteDeps): Route[] {
  const tenantAlerts = (tenant: string) => deps.alerts.values().filter((a) => a.tenant === tenant);
  const unbound = (p: { role: string; employeeId?: string }) => {
    if (p.role !== 'auditor' && !p.employeeId)
      throw new RejectedInputError('reviewer_unbound', 'a key that reviews alerts must name its employee (api key employeeId)', 403);
  };
  return [
    route({
      method: 'GET',
      url: '/v1/supervision/queues',
      summary: 'Read review queues',
      description: 'One queue per policy and sampling plan: open alerts, escalated (level 2), unassigned and the oldest open',
      access: { roles: ALERT_READERS, audit: 'supervision.queues.read' },
      schema: { response: { 200: z.object({ queues: z.array(QueueView) }) } },
      handler: async (_req, p) => {
        unbound(p);
        const show = listable(deps.directory, p);
        const queues = new Map<string, z.infer<typeof QueueView>>();
        for (const a of tenantAlerts(p.tenant).filter(show)) {
          const q = queues.get(a.queue) ?? { queue: a.queue, kind: a.kind, open: 0, escalated: 0, unassigned: 0, oldestOpenAt: null };
          if (a.status === 'open') {
            q.open++;
            if (a.level === 2) q.escalated++;
            if (!a.assignee) q.unassigned++;
            if (!q.oldestOpenAt || a.raisedAt < q.oldestOpenAt) q.oldestOpenAt = a.raisedAt;
          }
          queues.set(a.queue, q);
        }
        return json(200, { queues: [...queues.values()].sort((a, b) => a.queue.localeCompare(b.queue)) });
      },
    }),
    route({
      method: 'GET',
      url: '/v1/supervision/alerts',
      summary: 'List alerts',
      description:
        'Oldest first, filtered by queue, status, level, assignee (`me`, `none` or a key id) and kind; alerts about the caller or their reporting chain are left out (`hidden` counts them)',
      access: { roles: ALERT_READERS, audit: 'supervision.alerts.list' },
      schema: { query: AlertQuery, response: { 200: AlertList } },
      handler: async (req, p) => {
        unbound(p);
        const q = req.query;
        const show = listable(deps.directory, p);
        const assignee = q.assignee === 'me' ? p.keyId : q.assignee;
        const all = tenantAlerts(p.tenant).filter(
          (a) =>
            (!q.queue || a.queue === q.queue) &&
            (!q.status || a.status === q.status) &&
            (!q.level || a.level === q.level) &&
            (!q.kind || a.kind === q.kind) &&
            (!assignee || (assignee === 'none' ? !a.assignee : a.assignee?.keyId === assignee)),
        );
        const shown = all.filter(show).sort(oldestFirst);
        return json(200, { total: shown.length, hidden: all.length - shown.length, alerts: shown.slice(q.offset, q.offset + q.limit).map(view) });
      },
    }),
    route({
      method: 'GET',
      url: '/v1/supervision/alerts/:id',
      summary: 'Read alerts',
      description:
        'The alert, its policy’s guidance, and the texts it was screened on, read from WORM at the version screened with its hash re-checked (hit spans are offsets into them). Every read is audited: the trail shows who looked at what, which is not a review until a decision is recorded',
      access: { roles: ALERT_READERS, audit: 'supervision.alerts.read' },
      schema: { params: AlertParams, response: { 200: AlertDetail } },
      handler: async (req, p) => {
        unbound(p);
        const alert = visibleAlert(deps.alerts, deps.directory, p, req.params.id);
        const envelope = await screenedEnvelope(deps.store, alert);
        const names = (envelope.attachments ?? []).flatMap((a) => (a.fileName ? [a.fileName] : []));
        const zones: Record<string, string> = {
          ...(envelope.content?.subject && { subject: envelope.content.subject }),
          ...(envelope.content?.text && { body: envelope.content.text }),
          ...(names.length > 0 && { attachmentNames: names.join(ATTACHMENT_NAME_SEPARATOR) }),
        };
        let policy = null;
        if (alert.hit) {
          const v = await readPolicyVersion(deps.store, p.tenant, alert.hit.policyId, alert.hit.version.slice('sha256:'.length));
          policy = {
            name: v.policy.name,
            ...(v.policy.reviewerGuidance && { reviewerGuidance: v.policy.reviewerGuidance }),
            ...(() => {
              const rule = v.policy.rules.find((r) => r.id === alert.hit?.ruleId)?.description;
              return rule ? { rule } : {};
            })(),
          };
        }
        const tagged = Object.fromEntries(Object.entries(zones).map(([zone, text]) => [zone, normalize(text).tags]));
        return {
          ...json(200, { alert: view(alert), policy, zones, tagged, context: `/v1/records/${encodeURIComponent(alert.record.id)}/context` }),
          target: alert.id,
          details: { record: alert.record.id, status: alert.status, level: alert.level },
        };
      },
    }),
    route({
      method: 'GET',
      url: '/v1/supervision/reason-codes',
      summary: 'Read disposition reason codes',
      access: { roles: ALERT_READERS, audit: 'supervision.reason_codes.read' },
      schema: { response: { 200: ReasonCodes } },
      handler: async () => json(200, { dispositions: DISPOSITIONS as unknown as Record<string, string[]> }),
    }),
    route({
      method: 'GET',
      url: '/v1/supervision/notifications',
      summary: 'Read review notifications',
      description: 'What reviewers asked the caller to look at (`notify`), newest first',
      access: { roles: REVIEWERS, audit: 'supervision.notifications.read' },
      schema: {
        response: { 200: z.object({ notifications: z.array(z.object({ alert: z.string(), from: z.string(), message: z.string(), at: z.string() })) }) },
      },
      handler: async (_req, p) => {
        const notifications = tenantAlerts(p.tenant).flatMap((a) =>
          a.events
            .filter((e) => e.action === 'notify' && e.details?.to === p.keyId)
            .map((e) => ({ alert: a.id, from: e.by.keyId, message: String(e.details?.message ?? ''), at: e.at })),
        );
        return json(200, { notifications: notifications.sort((a, b) => b.at.localeCompare(a.at)) });
      },
    }),
  ];
}
