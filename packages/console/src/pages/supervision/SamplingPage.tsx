import { useRef, useState } from 'react';
import { Alert } from '../../components/Alert';
import { PageHeading } from '../../components/PageHeading';
import { formatCount, formatUtc } from '../../format';
import { Link } from '../../router';
import { recordPath } from '../../routes';
import { canReadPeriods, canReadRecords, canWritePolicies, supervisionApi } from '../../supervision-api';
import { formFromPlan, percentOf, populationLine, type PlanForm } from '../../supervision-plans';
import type { PlanView } from '../../supervision-types';
import { Loading, TableScroll } from '../admin/common';
import { useLoad } from '../admin/use-load';
import { PlanFormSection } from './PlanFormSection';
import { useFetched } from './use-fetched';
import { userMessage } from '../../errors';

/**
 * /supervision/sampling: random review of records whether or not a policy hit (FINRA 3110(b)(4)).
 * Each plan samples a population at a rate, with a minimum per period; each period's seed is
 * committed (its SHA-256 shown here) before the period starts, and revealed once it is over, so an
 * examiner can recompute the sample and see nobody chose it.
 */
export function SamplingPage({ role }: { role: string }) {
  const plans = useLoad((signal) => supervisionApi.plans(signal), 'read sampling plans');
  const [editing, setEditing] = useState<{ form: PlanForm; existing: boolean; token: number } | null>(null);
  const [period, setPeriod] = useState<{ plan: string; period: string } | null>(null);
  const [notice, setNotice] = useState('');
  const formSection = useRef<HTMLElement>(null);
  const noticeLine = useRef<HTMLParagraphElement>(null);
  const writer = canWritePolicies(role);

  const edit = (view: PlanView) => {
    setEditing({ form: formFromPlan(view.plan), existing: true, token: Date.now() });
    requestAnimationFrame(() => formSection.current?.querySelector<HTMLElement>('input:not([readonly]), textarea')?.focus());
  };

  return (
    <>
      <PageHeading title="Sampling plans">Sampling plans</PageHeading>
      <p className="muted">
        A plan draws records for review at random, whether or not a policy hit them. Each period’s seed is committed before the period starts and revealed after
        it ends, so anyone can recompute the sample.
      </p>
      <p ref={noticeLine} role="status" tabIndex={-1} className="success">
        {notice}
      </p>
      <section aria-labelledby="plans-heading">
        <h2 id="plans-heading">Plans</h2>
        {plans.load.status === 'loading' && <Loading what="the sampling plans" />}
        {plans.load.status === 'error' && <Alert message={plans.load.message} />}
        {plans.load.status === 'done' &&
          (plans.load.data.plans.length === 0 ? (
            <p className="empty">No sampling plans yet.</p>
          ) : (
            <PlanTable plans={plans.load.data.plans} onEdit={writer ? edit : undefined} onPeriod={canReadPeriods(role) ? setPeriod : undefined} />
          ))}
      </section>
      {period && <PeriodPanel key={`${period.plan}/${period.period}`} plan={period.plan} period={period.period} role={role} />}
      {writer && (
        <PlanFormSection
          key={editing?.token ?? 'new'}
          ref={formSection}
          initial={editing?.form}
          existing={editing?.existing ?? false}
          onSaved={(planId) => {
            setEditing(null);
            setNotice(`Plan ${planId} saved.`);
            requestAnimationFrame(() => noticeLine.current?.focus());
            plans.reload();
          }}
          onCancel={editing ? () => setEditing(null) : undefined}
        />
      )}
    </>
  );
}

function PlanTable({
  plans,
  onEdit,
  onPeriod,
}: {
  plans: PlanView[];
  onEdit?: (plan: PlanView) => void;
  onPeriod?: (which: { plan: string; period: string }) => void;
}) {
  return (
    <TableScroll label="Sampling plans">
      <table className="admin-table">
        <caption className="visually-hidden">Sampling plans and their current period</caption>
        <thead>
          <tr>
            <th scope="col">Plan</th>
            <th scope="col">Population</th>
            <th scope="col">Rate</th>
            <th scope="col">Current period</th>
            <th scope="col">Updated</th>
            {(onEdit || onPeriod) && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {plans.map((view) => {
            const { plan, current } = view;
            return (
              <tr key={plan.id}>
                <th scope="row" className="code">
                  {plan.id}
                </th>
                <td>{populationLine(plan.population)}</td>
                <td>
                  {percentOf(plan.rate)} % a {plan.period}
                  {plan.minimumPerPeriod > 0 && <span className="cell-note">at least {formatCount(plan.minimumPerPeriod)}</span>}
                </td>
                <td>
                  {current ? (
                    <>
                      {current.period}
                      <span className="cell-note">
                        Seed commitment <code className="hash">{current.commitment}</code>,{' '}
                        <time dateTime={current.committedAt}>{formatUtc(current.committedAt)}</time>
                      </span>
                    </>
                  ) : (
                    <span className="muted">Not committed yet</span>
                  )}
                </td>
                <td>
                  <time dateTime={view.updatedAt}>{formatUtc(view.updatedAt)}</time>
                  <span className="cell-note">by {view.updatedBy}</span>
                </td>
                {(onEdit || onPeriod) && (
                  <td>
                    <div className="row-actions">
                      {onEdit && (
                        <button type="button" className="button-secondary" onClick={() => onEdit(view)}>
                          Edit<span className="visually-hidden"> {plan.id}</span>
                        </button>
                      )}
                      {onPeriod && current && (
                        <button type="button" className="button-secondary" onClick={() => onPeriod({ plan: plan.id, period: current.period })}>
                          Show period
                          <span className="visually-hidden">
                            {' '}
                            {current.period} of {plan.id}
                          </span>
                        </button>
                      )}
                    </div>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** One period of a plan: its commitment, its seed once revealed, and the records it drew. */
function PeriodPanel({ plan, period, role }: { plan: string; period: string; role: string }) {
  const { load } = useFetched(
    (signal) => supervisionApi.period(plan, period, signal),
    (err) => userMessage(err, { action: 'read sampling periods', notFound: `No period ${period} of plan ${plan}.` }),
  );
  return (
    <section aria-labelledby="period-heading" className="panel">
      <h2 id="period-heading">
        Plan {plan}, period {period}
      </h2>
      {load.status === 'loading' && <Loading what="the period" />}
      {load.status === 'error' && <Alert message={load.message} />}
      {load.status === 'done' && (
        <>
          <dl className="facts admin-facts">
            <dt>Period</dt>
            <dd>
              <time dateTime={load.data.start}>{formatUtc(load.data.start)}</time> to <time dateTime={load.data.end}>{formatUtc(load.data.end)}</time>
            </dd>
            <dt>Seed commitment</dt>
            <dd>
              <code className="hash">{load.data.commitment}</code> (<time dateTime={load.data.committedAt}>{formatUtc(load.data.committedAt)}</time>)
            </dd>
            <dt>Seed</dt>
            <dd>{load.data.seed ? <code className="hash">{load.data.seed}</code> : 'Revealed once the period is over.'}</dd>
            <dt>Records drawn</dt>
            <dd>{formatCount(load.data.sampled.length)}</dd>
          </dl>
          {load.data.sampled.length > 0 && (
            <ul className="sampled">
              {load.data.sampled.map((s) => (
                <li key={s.record}>
                  {canReadRecords(role) ? <Link to={recordPath(s.record)}>{s.record}</Link> : <code>{s.record}</code>}{' '}
                  <span className="muted">
                    score {s.score}, by {s.by === 'rate' ? 'the rate' : 'the minimum'}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
