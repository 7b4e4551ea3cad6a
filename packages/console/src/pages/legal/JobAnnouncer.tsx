import type { JobProgress } from '../../legal-jobs';

/**
 * Says once, to a screen reader, that a job has finished (or failed). The counts that change every
 * poll are not announced: a live region read out every two seconds would drown everything else.
 */
export function JobAnnouncer({ progress }: { progress: JobProgress }) {
  return (
    <p role="status" className="visually-hidden">
      {progress.running ? '' : progress.line}
    </p>
  );
}
