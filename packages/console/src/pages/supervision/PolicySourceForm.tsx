import { useRef, useState, type ChangeEvent } from 'react';
import { TextAreaField } from '../../components/Field';
import { FormActions } from '../../components/FormActions';
import { useSubmit } from '../../components/use-submit';
import { userMessage } from '../../errors';
import { Link } from '../../router';
import { policyPath } from '../../routes';
import { supervisionApi } from '../../supervision-api';
import { formatOfFile, policyIdOf } from '../../supervision-forms';
import type { PolicyArchived } from '../../supervision-types';
import { DiffView } from './DiffView';

/**
 * A policy source (custody.policy/v1, YAML or JSON) typed, pasted or read from a file, archived as
 * a version at the id it names. The API validates it (every expression compiled) and answers with
 * the version and what changed from the one before; the same content again is that version.
 */
export function PolicySourceForm({
  idPrefix,
  initial,
  onArchived,
}: {
  idPrefix: string;
  initial?: { format: 'yaml' | 'json'; source: string };
  onArchived: (archived: PolicyArchived) => void;
}) {
  const [format, setFormat] = useState<'yaml' | 'json'>(initial?.format ?? 'yaml');
  const [source, setSource] = useState(initial?.source ?? '');
  const [problem, setProblem] = useState<string | undefined>();
  const { busy, failure, setFailure, handleSubmit, send } = useSubmit();
  const [archived, setArchived] = useState<PolicyArchived | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const id = (name: string) => `${idPrefix}-${name}`;

  const readFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setFormat(formatOfFile(file.name));
    file.text().then(setSource, () => setFailure(`${file.name} could not be read.`));
  };

  const submit = handleSubmit(() => {
    const policyId = source.trim() ? policyIdOf(source, format) : null;
    const found = !source.trim()
      ? 'Paste or upload the policy.'
      : policyId
        ? undefined
        : `The ${format.toUpperCase()} names no policy id (its top-level \`id\`).`;
    setProblem(found);
    if (found || !policyId) {
      field.current?.focus();
      return;
    }
    send(
      supervisionApi.savePolicy(policyId, format, source),
      (answer) => {
        setArchived(answer);
        onArchived(answer);
        requestAnimationFrame(() => resultHeading.current?.focus());
      },
      (err) => `Not archived: ${userMessage(err, { action: 'write supervision policies' })}`,
    );
  });

  return (
    <>
      {archived && (
        <div className="panel panel-ok">
          <h3 ref={resultHeading} tabIndex={-1}>
            {archived.created ? `Version archived for ${archived.policyId}` : `${archived.policyId}: this content is already a version`}
          </h3>
          <p>
            <code className="hash">{archived.version}</code>, archived by {archived.archivedBy}. <Link to={policyPath(archived.policyId)}>Its versions</Link>
          </p>
          {archived.diff ? <DiffView diff={archived.diff} headingLevel={4} /> : archived.created && <p>The policy’s first version.</p>}
        </div>
      )}
      <form className="admin-form admin-form-wide" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={id('file')}>Policy file (optional)</label>
          <input id={id('file')} type="file" accept=".yaml,.yml,.json,application/json,text/yaml" onChange={readFile} />
        </div>
        <div className="field">
          <label htmlFor={id('format')}>Format</label>
          <select id={id('format')} value={format} onChange={(e) => setFormat(e.target.value as 'yaml' | 'json')}>
            <option value="yaml">YAML</option>
            <option value="json">JSON</option>
          </select>
        </div>
        <TextAreaField
          ref={field}
          id={id('source')}
          label="Policy source"
          hint="A custody.policy/v1 document. It is archived to WORM as a new version of the policy its id names, and screens messages from then on."
          error={problem}
          rows={16}
          spellCheck={false}
          value={source}
          onChange={(e) => setSource(e.target.value)}
        />
        <FormActions label="Archive this version" busy={busy} busyLabel="Archiving…" failure={failure} />
      </form>
    </>
  );
}
