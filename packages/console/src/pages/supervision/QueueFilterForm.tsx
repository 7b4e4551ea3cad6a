import { useState, type FormEvent } from 'react';
import { InputField } from '../../components/Field';
import { navigate } from '../../router';
import { searchFromFilters, type QueueFilters } from '../../supervision-queue';

const NAMED_ASSIGNEES = ['', 'me', 'none'];

/**
 * The alert list's filters. Applied with a button (not on every change: each is a request, and a
 * screen reader user hears one new list, not four); the address keeps them, so Back returns here.
 */
export function QueueFilterForm({ filters, queues, role }: { filters: QueueFilters; queues: string[]; role: string }) {
  const [form, setForm] = useState(filters);
  // a reviewer sees their own work and the unassigned; naming another key is the principal's and the auditor's
  const byKey = role === 'compliance' || role === 'auditor';
  const [byKeyId, setByKeyId] = useState(byKey && !NAMED_ASSIGNEES.includes(filters.assignee));
  const assigneeMode = byKeyId ? 'key' : form.assignee;
  const queueChoices = filters.queue && !queues.includes(filters.queue) ? [filters.queue, ...queues] : queues;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    navigate(`/review${searchFromFilters({ ...form, assignee: form.assignee.trim(), page: 1 })}`);
  };

  return (
    <form className="queue-filters" onSubmit={apply} aria-label="Alert filters">
      <div className="field">
        <label htmlFor="filter-queue">Queue</label>
        <select id="filter-queue" value={form.queue} onChange={(e) => setForm({ ...form, queue: e.target.value })}>
          <option value="">Every queue</option>
          {queueChoices.map((q) => (
            <option key={q} value={q}>
              {q}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-status">Status</label>
        <select id="filter-status" value={form.status} onChange={(e) => setForm({ ...form, status: e.target.value as QueueFilters['status'] })}>
          <option value="open">Open</option>
          <option value="closed">Closed</option>
          <option value="all">Open and closed</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-level">Level</label>
        <select id="filter-level" value={form.level} onChange={(e) => setForm({ ...form, level: e.target.value as QueueFilters['level'] })}>
          <option value="">Any level</option>
          <option value="1">Level 1</option>
          <option value="2">Level 2 (escalated)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-kind">Kind</label>
        <select id="filter-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as QueueFilters['kind'] })}>
          <option value="">Hits and samples</option>
          <option value="hit">Policy hits</option>
          <option value="sample">Samples</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-assignee">Assigned to</label>
        <select
          id="filter-assignee"
          value={assigneeMode}
          onChange={(e) => {
            setByKeyId(e.target.value === 'key');
            setForm({ ...form, assignee: e.target.value === 'key' ? '' : e.target.value });
          }}
        >
          <option value="">Anyone or nobody</option>
          <option value="me">Me</option>
          <option value="none">Nobody (unassigned)</option>
          {byKey && <option value="key">A key id…</option>}
        </select>
      </div>
      {byKey && assigneeMode === 'key' && (
        <InputField
          id="filter-assignee-key"
          label="Assignee key id"
          type="text"
          autoComplete="off"
          spellCheck={false}
          maxLength={63}
          value={form.assignee}
          onChange={(e) => setForm({ ...form, assignee: e.target.value })}
        />
      )}
      <div className="field field-submit">
        <button type="submit">Show alerts</button>
      </div>
    </form>
  );
}
