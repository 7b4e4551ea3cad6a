import type { AlertTable } from '@custody/control';
import { CustodyError, RejectedInputError } from '@custody/errors';
import { json, route, type Principal, type Route } from '@custody/http';
import { applyAction, type Alert, type AlertAction } from '@custody/supervision';
import { z } from 'zod';
import { REVIEWERS, reviewerOf, visibleAlert } from './alert-access';
import type { DirectoryView } from './directory-view';
import { AlertParams, AlertView, Assign, BulkClose, BulkResult, Decide, Escalate, Note, Notify, OpenHold, Tags } from './schemas';

/** Places a hold (the governance service's job, handed in by the runtime) and returns its id. */
export type PlaceHold = (req: {
  tenant: string;
  matter: string;
  reason: string;
  scope: { custodians: string[]; participants: string[]; channels: string[] };
  placedBy: string;
}) => Promise<{ id: string }>;

export interface AlertActionDeps {
  alerts: AlertTable;
  directory: DirectoryView;
  placeHold: PlaceHold;
  /** External participants of a record (read from WORM), for a hold opened from its alert. */
  participantsOf(alert: Alert): Promise<string[]>;
}

const Acted = z.object({ alert: AlertView });
const view = ({ tenant: _t, ...a }: Alert) => a;

/**
 * Review actions, each a route of the audited API: the alert's row records the event (who, when,
 * what), the audit trail records the call. Updates of one alert are serialized in this process, so
 * two reviewers claiming at once get one claim and one 409.
 */
export function alertActionRoutes(deps: AlertActionDeps): Route[] {
  const chains = new Map<string, Promise<unknown>>();
  const serialized = <T>(id: string, work: () => Promise<T>): Promise<T> => {
    const run = (chains.get(id) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => undefined);
    chains.set(id, tail);
    void tail.then(() => chains.get(id) === tail && chains.delete(id));
    return run;
  };
  const act = (p: Principal, id: string, action: AlertAction) =>
    serialized(id, async () => {
      const alert = visibleAlert(deps.alerts, deps.directory, p, id);
      const next = applyAction(alert, action, reviewerOf(p), new Date().toISOString());
      await deps.alerts.put(id, next);
      return next;
    });
  const answer = (alert: Alert, details: Record<string, unknown> = {}) => ({
    ...json(200, { alert: view(alert) }),
    target: alert.id,
    details: { record: alert.record.id, status: alert.status, level: alert.level, ...details },
  });
  const simple = <B extends z.ZodTypeAny>(
    name: string,
    summary: string,
    description: string,
    body: B | undefined,
    toAction: (b: z.infer<B>) => AlertAction,
    roles: readonly ('reviewer' | 'compliance')[] = REVIEWERS,
  ): Route =>
    route({
      method: 'POST',
      url: `/v1/supervision/alerts/:id/${name}`,
      summary,
      description,
      access: { roles, audit: `supervision.alerts.${name}` },
      schema: { params: AlertParams, ...(body && { body }), response: { 200: Acted } },
      ...(body && { invalid: { code: 'invalid_request', what: name } }),
      handler: async (req, p) => {
        const action = toAction((req as { body: z.infer<B> }).body);
        const next = await act(p, req.params.id, action);
        const { action: _a, ...given } = action as AlertAction & Record<string, unknown>;
        return answer(next, name === 'notes' || name === 'notify' ? { to: (given as { to?: string }).to } : given);
      },
    });
  return [
    simple('claim', 'Claim alerts', 'The caller takes the alert (409 when another reviewer has it)', undefined, () => ({ action: 'claim' })),
    simple('release', 'Release alerts', 'Hands a claimed alert back to its queue', undefined, () => ({ action: 'release' })),
    simple(
      'assign',
      'Assign alerts',
      '`{to}`: a principal gives the alert to a reviewer (key id)',
      Assign,
      (b) => ({ action: 'assign', to: { keyId: b.to } }),
      ['compliance'],
    ),
    simple('escalate', 'Escalate alerts', '`{reason}`: to level 2, decided by a principal (compliance)', Escalate, (b) => ({
      action: 'escalate',
      reason: b.reason,
    })),
    simple('notes', 'Note on alerts', '`{text}`', Note, (b) => ({ action: 'note', text: b.text })),
    simple('tags', 'Tag alerts', '`{add, remove}`', Tags, (b) => ({ action: 'tag', add: b.add, remove: b.remove })),
    simple('notify', 'Notify about alerts', '`{to, message}`: shown in that key’s notifications', Notify, (b) => ({
      action: 'notify',
      to: b.to,
      message: b.message,
    })),
    simple(
      'decide',
      'Decide alerts',
      '`{disposition, reasonCode, reason}`: the review’s outcome (3110.07: who, when, what was done); a reviewer may not decide one about themselves or their reporting chain, and only a principal decides an escalated one',
      Decide,
      (b) => ({ action: 'decide', disposition: b.disposition, reasonCode: b.reasonCode, reason: b.reason }),
    ),
    route({
      method: 'POST',
      url: '/v1/supervision/alerts/:id/hold',
      summary: 'Open legal holds from alerts',
      description:
        '`{matter, reason}`: places a legal hold on the records between the alert’s employees and its external participants on its channel (the hold job runs as for POST /v1/holds), and records it on the alert',
      access: { roles: ['compliance', 'legal'], audit: 'supervision.alerts.hold' },
      schema: { params: AlertParams, body: OpenHold, response: { 200: Acted.extend({ hold: z.object({ id: z.string() }) }) } },
      invalid: { code: 'invalid_request', what: 'hold' },
      handler: async (req, p) => {
        const alert = visibleAlert(deps.alerts, deps.directory, p, req.params.id);
        const participants = await deps.participantsOf(alert);
        const scope = { custodians: alert.record.employeeIds, participants, channels: [alert.record.channel] };
        if (scope.custodians.length + scope.participants.length === 0)
          throw new RejectedInputError('invalid_request', 'the alert’s record names no employee or participant to hold');
        const hold = await deps.placeHold({ tenant: p.tenant, matter: req.body.matter, reason: req.body.reason, scope, placedBy: p.keyId });
        const next = await act(p, alert.id, { action: 'hold', holdId: hold.id });
        return { ...answer(next, { hold: hold.id, scope }), body: { alert: view(next), hold } };
      },
    }),
    route({
      method: 'POST',
      url: '/v1/supervision/alerts/bulk-close',
      summary: 'Close alerts in bulk',
      description:
        '`{ids, disposition, reasonCode, reason}`: the reason is required; each alert is decided as by /decide, and one the caller may not decide (conflict, claimed by another, escalated, closed) is left open and named in `refused`',
      access: { roles: REVIEWERS, audit: 'supervision.alerts.bulk_close' },
      schema: { body: BulkClose, response: { 200: BulkResult } },
      invalid: { code: 'invalid_request', what: 'bulk close' },
      handler: async (req, p) => {
        const { disposition, reasonCode, reason } = req.body;
        const closed: string[] = [];
        const refused: Array<{ id: string; code: string; message: string }> = [];
        for (const id of [...new Set(req.body.ids)]) {
          try {
            await act(p, id, { action: 'decide', disposition, reasonCode, reason });
            closed.push(id);
          } catch (err) {
            if (!(err instanceof CustodyError)) throw err;
            refused.push({ id, code: err.code, message: err.message });
          }
        }
        return { ...json(200, { closed, refused }), details: { disposition, reasonCode, closed, refused: refused.map((r) => r.id) } };
      },
    }),
  ];
}
