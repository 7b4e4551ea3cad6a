import { useRef, useState, type FormEvent, type Ref } from 'react';
import { InputField, TextAreaField } from '../../components/Field';
import { FormActions } from '../../components/FormActions';
import { supervisionApi } from '../../supervision-api';
import { keyIdProblem, MESSAGE_MAX, parseTags, textProblem } from '../../supervision-forms';
import type { AlertView } from '../../supervision-types';
import { focusFirstInvalid } from '../admin/common';

/** Runs one action; resolves true when done (the form clears), false when refused (the page says why). */
export type Run = (done: string, action: string, call: () => Promise<{ alert: AlertView }>) => Promise<boolean>;

/** The smaller review forms: a reason or a note, a key id, a notification, tags. */

/** One required text and a button: escalate (the reason) and note (its text). */
export function TextForm({
  idPrefix,
  label,
  max,
  what,
  submit,
  onSubmit,
}: {
  idPrefix: string;
  label: string;
  max: number;
  what: string;
  submit: string;
  onSubmit: (text: string) => Promise<boolean>;
}) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = textProblem(text, max, what);
    setProblem(found);
    if (found) {
      field.current?.focus();
      return;
    }
    setBusy(true);
    void onSubmit(text.trim()).then((done) => {
      setBusy(false);
      if (done) setText('');
    });
  };
  return (
    <form className="admin-form" onSubmit={send} noValidate>
      <TextAreaField
        ref={field}
        id={`${idPrefix}-text`}
        label={label}
        error={problem}
        errorId={`${idPrefix}-error`}
        rows={3}
        maxLength={max}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <FormActions label={submit} busy={busy} />
    </form>
  );
}

export function KeyForm({
  idPrefix,
  label,
  submit,
  onSubmit,
}: {
  idPrefix: string;
  label: string;
  submit: string;
  onSubmit: (keyId: string) => Promise<boolean>;
}) {
  const [to, setTo] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const field = useRef<HTMLInputElement>(null);
  const send = (event: FormEvent) => {
    event.preventDefault();
    const found = keyIdProblem(to);
    setProblem(found);
    if (found) {
      field.current?.focus();
      return;
    }
    void onSubmit(to.trim()).then((done) => done && setTo(''));
  };
  return (
    <form className="admin-form" onSubmit={send} noValidate>
      <KeyIdField ref={field} id={`${idPrefix}-to`} label={label} error={problem} value={to} onChange={setTo} />
      <FormActions label={submit} />
    </form>
  );
}

export function NotifyForm({ alert, run }: { alert: AlertView; run: Run }) {
  const [to, setTo] = useState('');
  const [message, setMessage] = useState('');
  const [problems, setProblems] = useState<{ to?: string; message?: string }>({});
  const form = useRef<HTMLFormElement>(null);
  const send = (event: FormEvent) => {
    event.preventDefault();
    const found = { to: keyIdProblem(to), message: textProblem(message, MESSAGE_MAX, 'what to tell them') };
    setProblems(found);
    if (found.to || found.message) {
      focusFirstInvalid(form.current);
      return;
    }
    void run(`${to.trim()} is notified.`, 'notify reviewers', () => supervisionApi.notify(alert.id, to.trim(), message.trim())).then((done) => {
      if (done) setMessage('');
    });
  };
  return (
    <form ref={form} className="admin-form" onSubmit={send} noValidate>
      <KeyIdField id="notify-to" label="Notify key id" error={problems.to} value={to} onChange={setTo} />
      <TextAreaField
        id="notify-message"
        label="Message"
        error={problems.message}
        rows={2}
        maxLength={MESSAGE_MAX}
        value={message}
        onChange={(e) => setMessage(e.target.value)}
      />
      <FormActions label="Notify" />
    </form>
  );
}

export function TagsForm({ alert, run }: { alert: AlertView; run: Run }) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const add = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseTags(text);
    setProblem(parsed.problem);
    if (parsed.problem) return;
    void run('Tags added.', 'tag alerts', () => supervisionApi.tags(alert.id, { add: parsed.tags, remove: [] })).then((done) => done && setText(''));
  };
  const remove = (tag: string) => void run(`Tag ${tag} removed.`, 'tag alerts', () => supervisionApi.tags(alert.id, { add: [], remove: [tag] }));
  return (
    <>
      {alert.tags.length > 0 ? (
        <ul className="tag-list">
          {alert.tags.map((tag) => (
            <li key={tag}>
              <span className="tag">{tag}</span>
              <button type="button" className="button-secondary button-small" onClick={() => remove(tag)}>
                Remove<span className="visually-hidden"> tag {tag}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No tags yet.</p>
      )}
      <form className="admin-form" onSubmit={add} noValidate>
        <InputField
          id="tags-add"
          label="Add tags"
          hint="Separated by commas or spaces: lowercase letters, digits and dashes."
          error={problem}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <FormActions label="Add tags" />
      </form>
    </>
  );
}

/** A key id to act on (assign, notify): typed as it is, never corrected or completed by the browser. */
function KeyIdField({
  ref,
  id,
  label,
  error,
  value,
  onChange,
}: {
  ref?: Ref<HTMLInputElement>;
  id: string;
  label: string;
  error: string | undefined;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <InputField
      ref={ref}
      id={id}
      label={label}
      error={error}
      type="text"
      autoComplete="off"
      spellCheck={false}
      maxLength={63}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
