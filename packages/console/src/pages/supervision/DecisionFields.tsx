import { FieldError, TextAreaField } from '../../components/Field';
import { dispositionLabel, isDisposition, reasonCodeLabel, REASON_MAX, type DecisionInput, type DecisionProblems } from '../../supervision-forms';
import { DISPOSITIONS } from '../../supervision-types';

/**
 * What was done and why, for one alert or many: the outcome, one of ITS reason codes (from
 * GET /v1/supervision/reason-codes: choosing another outcome clears the code), and the reason in
 * the reviewer's words, which the record of the review keeps. `idPrefix` keeps two forms apart.
 */
export function DecisionFields({
  idPrefix,
  value,
  onChange,
  problems,
  codes,
}: {
  idPrefix: string;
  value: DecisionInput;
  onChange: (value: DecisionInput) => void;
  problems: DecisionProblems;
  codes: Readonly<Record<string, readonly string[]>>;
}) {
  const id = (name: string) => `${idPrefix}-${name}`;
  const described = (name: keyof DecisionInput) => (problems[name] ? { 'aria-invalid': true as const, 'aria-describedby': id(`${name}-error`) } : {});
  const reasonCodes = isDisposition(value.disposition) ? (codes[value.disposition] ?? []) : [];
  return (
    <>
      <div className="field">
        <label htmlFor={id('disposition')}>Outcome</label>
        <select
          id={id('disposition')}
          value={value.disposition}
          onChange={(e) => onChange({ ...value, disposition: e.target.value, reasonCode: '' })}
          {...described('disposition')}
        >
          <option value="">Choose…</option>
          {DISPOSITIONS.map((d) => (
            <option key={d} value={d}>
              {dispositionLabel(d)}
            </option>
          ))}
        </select>
        <FieldError id={id('disposition-error')} message={problems.disposition} />
      </div>
      <div className="field">
        <label htmlFor={id('reason-code')}>Reason code</label>
        <select
          id={id('reason-code')}
          value={value.reasonCode}
          onChange={(e) => onChange({ ...value, reasonCode: e.target.value })}
          {...described('reasonCode')}
        >
          <option value="">{reasonCodes.length > 0 ? 'Choose…' : 'Choose an outcome first'}</option>
          {reasonCodes.map((code) => (
            <option key={code} value={code}>
              {reasonCodeLabel(code)}
            </option>
          ))}
        </select>
        <FieldError id={id('reasonCode-error')} message={problems.reasonCode} />
      </div>
      <TextAreaField
        id={id('reason')}
        label="Reason"
        error={problems.reason}
        rows={3}
        maxLength={REASON_MAX}
        value={value.reason}
        onChange={(e) => onChange({ ...value, reason: e.target.value })}
      />
    </>
  );
}
