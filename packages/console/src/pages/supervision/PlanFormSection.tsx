import { useRef, useState, type Ref } from 'react';
import { FieldError } from '../../components/Field';
import { FormActions } from '../../components/FormActions';
import { useSubmit } from '../../components/use-submit';
import { userMessage } from '../../errors';
import { supervisionApi } from '../../supervision-api';
import { EMPTY_PLAN_FORM, planFromForm, type PlanForm, type PlanProblems } from '../../supervision-plans';
import { SAMPLING_PERIODS } from '../../supervision-types';
import { focusFirstInvalid } from '../admin/common';

/** Adds a sampling plan, or changes one (its id fixed): the population, the rate, the minimum and the period. */
export function PlanFormSection({
  ref,
  initial,
  existing,
  onSaved,
  onCancel,
}: {
  ref?: Ref<HTMLElement>;
  initial?: PlanForm;
  existing: boolean;
  onSaved: (planId: string) => void;
  onCancel?: () => void;
}) {
  const [form, setForm] = useState(initial ?? EMPTY_PLAN_FORM);
  const [problems, setProblems] = useState<PlanProblems>({});
  const { busy, failure, handleSubmit, send } = useSubmit();
  const formRef = useRef<HTMLFormElement>(null);
  const heading = existing ? `Change plan ${form.id}` : 'Add a plan';

  const submit = handleSubmit(() => {
    const result = planFromForm(form);
    setProblems('problems' in result ? result.problems : {});
    if ('problems' in result) focusFirstInvalid(formRef.current);
    else
      send(
        supervisionApi.savePlan(result.plan),
        () => {
          setForm(EMPTY_PLAN_FORM);
          onSaved(result.plan.id);
        },
        (err) => `Plan not saved: ${userMessage(err, { action: 'write sampling plans' })}`,
      );
  });

  const field = (name: keyof PlanForm) => ({
    id: `plan-${name}`,
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
    'aria-invalid': problems[name] ? true : undefined,
    'aria-describedby': [problems[name] && `plan-${name}-error`, `plan-${name}-hint`].filter(Boolean).join(' ') || undefined,
  });

  return (
    <section ref={ref} aria-labelledby="plan-form-heading">
      <h2 id="plan-form-heading">{heading}</h2>
      <form ref={formRef} className="admin-form" onSubmit={submit} noValidate aria-labelledby="plan-form-heading">
        <div className="field">
          <label htmlFor="plan-id">Plan id</label>
          <input type="text" autoComplete="off" spellCheck={false} maxLength={63} readOnly={existing} {...field('id')} />
          <p id="plan-id-hint" className="hint">
            Lowercase letters, digits and dashes; its review queue has this name.
          </p>
          <FieldError id="plan-id-error" message={problems.id} />
        </div>
        <fieldset>
          <legend>Population (every list left empty: every record)</legend>
          <div className="field">
            <label htmlFor="plan-employees">Employee ids</label>
            <textarea rows={2} spellCheck={false} {...field('employees')} />
            <p id="plan-employees-hint" className="hint">
              One per line or separated by commas. With groups: an employee in either is sampled.
            </p>
          </div>
          <div className="field">
            <label htmlFor="plan-groups">Directory groups</label>
            <textarea rows={2} spellCheck={false} {...field('groups')} />
            <p id="plan-groups-hint" className="hint">
              One per line or separated by commas.
            </p>
          </div>
          <div className="field">
            <label htmlFor="plan-channels">Channels</label>
            <textarea rows={2} spellCheck={false} {...field('channels')} />
            <p id="plan-channels-hint" className="hint">
              For example sms, whatsapp, email. Empty: every channel.
            </p>
          </div>
        </fieldset>
        <div className="plan-numbers">
          <div className="field">
            <label htmlFor="plan-ratePercent">Rate (% of records)</label>
            <input type="text" inputMode="decimal" {...field('ratePercent')} />
            <p id="plan-ratePercent-hint" className="hint">
              For example 2 for 2 %.
            </p>
            <FieldError id="plan-ratePercent-error" message={problems.ratePercent} />
          </div>
          <div className="field">
            <label htmlFor="plan-minimumPerPeriod">Minimum per period</label>
            <input type="text" inputMode="numeric" {...field('minimumPerPeriod')} />
            <p id="plan-minimumPerPeriod-hint" className="hint">
              Drawn when the rate gives fewer.
            </p>
            <FieldError id="plan-minimumPerPeriod-error" message={problems.minimumPerPeriod} />
          </div>
          <div className="field">
            <label htmlFor="plan-period">Period</label>
            <select {...field('period')}>
              {SAMPLING_PERIODS.map((p) => (
                <option key={p} value={p}>
                  {p === 'day' ? 'Day (UTC)' : p === 'week' ? 'ISO week (from Monday)' : 'Calendar month'}
                </option>
              ))}
            </select>
            <p id="plan-period-hint" className="hint">
              Each period has its own seed.
            </p>
            <FieldError id="plan-period-error" message={problems.period} />
          </div>
        </div>
        <FormActions label="Save plan" busy={busy} busyLabel="Saving…" failure={failure} onCancel={onCancel} />
      </form>
    </section>
  );
}
