import type { JobProgress } from '../../legal-jobs';

/**
 * A job's progress: its sentence, a bar while it runs (indeterminate when the job cannot say how far
 * it is yet), and a retried or fatal problem apart. `label` names the bar ("Progress of Acme v. Globex").
 */
export function JobStatus({ progress, label }: { progress: JobProgress; label: string }) {
  return (
    <div className="job-status">
      <p>{progress.line}</p>
      {progress.running && (
        <progress aria-label={label} value={progress.value ?? undefined} max={progress.max ?? undefined}>
          {progress.line}
        </progress>
      )}
      {progress.problem && <p className="job-problem">{progress.problem}</p>}
    </div>
  );
}
