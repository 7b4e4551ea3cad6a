import type { ReactNode } from 'react';
import { formatCount, formatUtc } from '../../format';
import { ageBucketLabel, hoursLine, shareLine } from '../../supervision-plans';
import type { MiReport } from '../../supervision-types';
import { TableScroll } from '../admin/common';

/** The MI report's figures, each part a section with a table a screen reader reads by its caption. */
export function MiReportView({ report }: { report: MiReport }) {
  const { coverage, timeToFirstActionHours: first, backlog } = report;
  return (
    <div className="mi-report">
      <p className="muted">
        Alerts raised from {formatUtc(report.from)} to {formatUtc(report.to)}; generated {formatUtc(report.generatedAt)}.
      </p>

      <Part id="coverage" title="Coverage">
        <ReportTable caption="Share of the hits and samples raised that were dispositioned" head={['', 'Raised', 'Dispositioned', 'Share']}>
          {(['hits', 'samples'] as const).map((kind) => (
            <tr key={kind}>
              <th scope="row">{kind === 'hits' ? 'Policy hits' : 'Samples'}</th>
              <td>{formatCount(coverage[kind].raised)}</td>
              <td>{formatCount(coverage[kind].dispositioned)}</td>
              <td>{shareLine(coverage[kind].share)}</td>
            </tr>
          ))}
        </ReportTable>
      </Part>

      <Part id="first-action" title="Time to first action">
        <dl className="facts admin-facts">
          <dt>Alerts acted on</dt>
          <dd>{formatCount(first.n)}</dd>
          <dt>Median</dt>
          <dd>{hoursLine(first.p50)}</dd>
          <dt>90th percentile</dt>
          <dd>{hoursLine(first.p90)}</dd>
          <dt>Longest</dt>
          <dd>{hoursLine(first.max)}</dd>
        </dl>
        <p className="hint">From raised to the first claim, assignment, note or decision.</p>
      </Part>

      <Part id="backlog" title="Backlog">
        <dl className="facts admin-facts">
          <dt>Open</dt>
          <dd>{formatCount(backlog.open)}</dd>
          <dt>Oldest open</dt>
          <dd>{backlog.oldestOpenAt ? <time dateTime={backlog.oldestOpenAt}>{formatUtc(backlog.oldestOpenAt)}</time> : '—'}</dd>
          <dt>SLA breaches</dt>
          <dd className={backlog.slaBreaches > 0 ? 'attention' : undefined}>
            {formatCount(backlog.slaBreaches)} (open longer than {report.slaHours} h, or closed after it)
          </dd>
        </dl>
        <ReportTable caption="Open alerts by age" head={['Age', 'Open alerts']}>
          {backlog.byAge.map((row) => (
            <tr key={row.age}>
              <th scope="row">{ageBucketLabel(row.age)}</th>
              <td>{formatCount(row.count)}</td>
            </tr>
          ))}
        </ReportTable>
      </Part>

      <Part id="precision" title="Precision per policy">
        {report.policies.length === 0 ? (
          <p className="muted">No policy raised an alert in the range.</p>
        ) : (
          <ReportTable caption="Hits, escalated or actioned hits, and precision per policy" head={['Policy', 'Hits', 'Escalated or actioned', 'Precision']}>
            {report.policies.map((p) => (
              <tr key={p.policyId}>
                <th scope="row">{p.policyId}</th>
                <td>{formatCount(p.hits)}</td>
                <td>{formatCount(p.escalated)}</td>
                <td>{shareLine(p.precision)}</td>
              </tr>
            ))}
          </ReportTable>
        )}
      </Part>

      <Part id="terms" title="Hits per rule">
        {report.terms.length === 0 ? (
          <p className="muted">No rule hit in the range.</p>
        ) : (
          <ReportTable caption="Hits per rule, most first" head={['Policy', 'Rule', 'Hits']}>
            {report.terms.map((t) => (
              <tr key={`${t.policyId}/${t.ruleId}`}>
                <td>{t.policyId}</td>
                <th scope="row">{t.ruleId}</th>
                <td>{formatCount(t.hits)}</td>
              </tr>
            ))}
          </ReportTable>
        )}
      </Part>

      <Part id="silent" title="Silent populations">
        {report.silent.length === 0 ? (
          <p className="status-ok">None: every policy and channel that usually produces hits produced some in the last seven days of the range.</p>
        ) : (
          <>
            <p className="attention">
              These policies and channels usually produce hits and produced none in the last seven days of the range: check that their messages are still
              captured.
            </p>
            <ReportTable caption="Policies and channels silent in the last week" head={['Policy', 'Channel', 'Hits a week before', 'Last week']}>
              {report.silent.map((s) => (
                <tr key={`${s.policyId}/${s.channel}`}>
                  <th scope="row">{s.policyId}</th>
                  <td>{s.channel}</td>
                  <td>{s.weeklyAverage.toFixed(1)}</td>
                  <td>{formatCount(s.lastWeek)}</td>
                </tr>
              ))}
            </ReportTable>
          </>
        )}
      </Part>
    </div>
  );
}

function Part({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`report-${id}-heading`}>
      <h2 id={`report-${id}-heading`}>{title}</h2>
      {children}
    </section>
  );
}

function ReportTable({ caption, head, children }: { caption: string; head: string[]; children: ReactNode }) {
  return (
    <TableScroll label={caption}>
      <table className="admin-table report-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={i} scope="col">
                {h || <span className="visually-hidden">Kind</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </TableScroll>
  );
}
