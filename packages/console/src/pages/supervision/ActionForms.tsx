import { useRef, useState, type FormEvent } from 'react';
import { supervisionApi } from '../../supervision-api';
import { keyIdProblem, MESSAGE_MAX, parseTags, textProblem } from '../../supervision-forms';
import type { AlertView } from '../../supervision-types';
import { FieldError, focusFirstInvalid } from '../admin/common';

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
      <div className="field">
        <label htmlFor={`${idPrefix}-text`}>{label}</label>
        <textarea
          ref={field}
          id={`${idPrefix}-text`}
          rows={3}
          maxLength={max}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${idPrefix}-error` : undefined}
        />
        <FieldError id={`${idPrefix}-error`} message={problem} />
      </div>
      <div className="form-actions">
        <button type="submit" aria-disabled={busy || undefined}>
          {submit}
        </button>
      </div>
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
      <div className="field">
        <label htmlFor={`${idPrefix}-to`}>{label}</label>
        <input
          ref={field}
          id={`${idPrefix}-to`}
          type="text"
          autoComplete="off"
          spellCheck={false}
          maxLength={63}
          value={to}
          onChange={(e) => setTo(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${idPrefix}-to-error` : undefined}
        />
        <FieldError id={`${idPrefix}-to-error`} message={problem} />
      </div>
      <div className="form-actions">
        <button type="submit">{submit}</button>
      </div>
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
      <div className="field">
        <label htmlFor="notify-to">Notify key id</label>
        <input
          id="notify-to"
          type="text"
          autoComplete="off"
          spellCheck={false}
          maxLength={63}
          value={to}
          onChange={(e) => setTo(e.target.value)}
          aria-invalid={problems.to ? true : undefined}
          aria-describedby={problems.to ? 'notify-to-error' : undefined}
        />
        <FieldError id="notify-to-error" message={problems.to} />
      </div>
      <div className="field">
        <label htmlFor="notify-message">Message</label>
        <textarea
          id="notify-message"
          rows={2}
          maxLength={MESSAGE_MAX}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          aria-invalid={problems.message ? true : undefined}
          aria-describedby={problems.message ? 'notify-message-error' : undefined}
        />
        <FieldError id="notify-message-error" message={problems.message} />
      </div>
      <div className="form-actions">
        <button type="submit">Notify</button>
      </div>
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
        <div className="field">
          <label htmlFor="tags-add">Add tags</label>
          <input
            id="tags-add"
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={problem ? true : undefined}
            aria-describedby={`tags-add-hint${problem ? ' tags-add-error' : ''}`}
          />
          <p id="tags-add-hint" className="hint">
            Separated by commas or spaces: lowercase letters, digits and dashes.
          </p>
          <FieldError id="tags-add-error" message={problem} />
        </div>
        <div className="form-actions">
          <button type="submit">Add tags</button>
        </div>
      </form>
    </>
  );
}
