import { useState, type FormEvent } from 'react';
import { ApiError } from '../errors';

/**
 * One request at a time from a form. `handleSubmit(check)` is the form's onSubmit: the page stays
 * where it is, a submit while a request is under way is ignored, and otherwise `check` runs the
 * form's own check and, when it passes, `send`s. `busy` is true while the request runs; what the API
 * refused becomes `failure`, shown in the form, except a lost session (401), which sign-in takes over.
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const handleSubmit = (check: () => void) => (event: FormEvent) => {
    event.preventDefault();
    if (!busy) check();
  };

  /** `done` with the answer; `refused` turns an error into the sentence the form shows. */
  const send = <T>(request: Promise<T>, done: (answer: T) => void, refused: (err: unknown) => string): void => {
    setBusy(true);
    setFailure(null);
    request.then(
      (answer) => {
        setBusy(false);
        done(answer);
      },
      (err: unknown) => {
        setBusy(false);
        if (err instanceof ApiError && err.status === 401) return;
        setFailure(refused(err));
      },
    );
  };

  return { busy, failure, setFailure, handleSubmit, send };
}
