import { useRef, useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { FieldError } from '../../components/Field';
import { FormActions } from '../../components/FormActions';
import { PageHeading } from '../../components/PageHeading';
import { formatUtc } from '../../format';
import { examinerReportPath, supervisionApi } from '../../supervision-api';
import { rangeFromDays, recentDays, type DayRange } from '../../supervision-plans';
import { focusFirstInvalid, Loading } from '../admin/common';
import { useLoad } from '../admin/use-load';
import { MiReportView } from './MiReportView';

interface Asked {
  from: string;
  to: string;
  slaHours: number;
}

/**
 * /supervision/reports: the supervision MI report for a range of days (coverage, time to first
 * action, the backlog against the SLA, precision per policy, hits per rule, silent populations) and
 * the examiner's CSV of every alert raised in it, downloaded as it is.
 */
export function ReportsPage() {
  const [days, setDays] = useState<DayRange>(() => recentDays(Date.now()));
  const [sla, setSla] = useState('72');
  const [problems, setProblems] = useState<{ range?: string; sla?: string }>({});
  const [asked, setAsked] = useState<Asked | null>(() => {
    const range = rangeFromDays(recentDays(Date.now()));
    return 'problem' in range ? null : { ...range, slaHours: 72 };
  });
  const form = useRef<HTMLFormElement>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const range = rangeFromDays(days);
    const hours = Number(sla);
    const found = {
      range: 'problem' in range ? range.problem : undefined,
      sla: Number.isInteger(hours) && hours >= 1 && hours <= 24 * 90 ? undefined : 'Enter whole hours from 1 to 2,160 (90 days).',
    };
    setProblems(found);
    if (found.range || found.sla || 'problem' in range) {
      focusFirstInvalid(form.current);
      return;
    }
    setAsked({ ...range, slaHours: hours });
  };
  const invalid = (name: 'range' | 'sla') => ({
    'aria-invalid': problems[name] ? true : undefined,
    'aria-describedby': problems[name] ? `report-${name}-error` : undefined,
  });

  return (
    <>
      <PageHeading title="Supervision reports">Supervision reports</PageHeading>
      <form ref={form} className="admin-form report-form" onSubmit={submit} noValidate aria-label="Report range">
        <div className="date-range">
          <div className="field">
            <label htmlFor="report-from">First day (UTC)</label>
            <input id="report-from" type="date" value={days.from} onChange={(e) => setDays({ ...days, from: e.target.value })} {...invalid('range')} />
          </div>
          <div className="field">
            <label htmlFor="report-to">Last day (UTC)</label>
            <input id="report-to" type="date" value={days.to} onChange={(e) => setDays({ ...days, to: e.target.value })} {...invalid('range')} />
          </div>
          <div className="field">
            <label htmlFor="report-sla">SLA (hours)</label>
            <input id="report-sla" type="text" inputMode="numeric" value={sla} onChange={(e) => setSla(e.target.value)} {...invalid('sla')} />
          </div>
        </div>
        <FieldError id="report-range-error" message={problems.range} />
        <FieldError id="report-sla-error" message={problems.sla} />
        <FormActions label="Show report" />
      </form>
      {asked && (
        <>
          <p className="report-download">
            <a className="button-link" href={examinerReportPath(asked)} download>
              Download the examiner’s CSV
            </a>
            <span className="muted">
              Every alert raised from {formatUtc(asked.from)} to {formatUtc(asked.to)}, with who reviewed it, when and what was decided.
            </span>
          </p>
          <Report key={`${asked.from}/${asked.to}/${asked.slaHours}`} asked={asked} />
        </>
      )}
    </>
  );
}

function Report({ asked }: { asked: Asked }) {
  const { load } = useLoad((signal) => supervisionApi.miReport(asked, signal), 'read supervision reports');
  if (load.status === 'loading') return <Loading what="the report" />;
  if (load.status === 'error') return <Alert message={load.message} />;
  return <MiReportView report={load.data} />;
}
