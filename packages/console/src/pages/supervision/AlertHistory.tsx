import { formatUtc } from '../../format';
import { actorLabel, eventLine } from '../../supervision-queue';
import type { AlertEvent } from '../../supervision-types';
import { TableScroll } from '../admin/common';

/** Everything done to the alert, in order: who, when, what (each also an audit event). */
export function AlertHistory({ events }: { events: AlertEvent[] }) {
  return (
    <section aria-labelledby="alert-history-heading">
      <h2 id="alert-history-heading">History</h2>
      {events.length === 0 ? (
        <p className="muted">Nothing has been done to this alert yet.</p>
      ) : (
        <TableScroll label="Alert history">
          <table className="admin-table">
            <caption className="visually-hidden">Who did what to this alert, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event, i) => (
                <tr key={i}>
                  <td className="nowrap">
                    <time dateTime={event.at}>{formatUtc(event.at, true)}</time>
                  </td>
                  <td>{actorLabel(event.by)}</td>
                  <td>{eventLine(event)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
