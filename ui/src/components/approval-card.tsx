import { useState } from 'preact/hooks';
import { describeError } from '../api/errors.ts';
import { request } from '../api/http.ts';
import { useCan } from '../api/me.ts';
import { relative } from '../format.ts';
import { ResolveApprovalDocument, type ApprovalCardFragment } from '../generated/graphql.ts';
import { intentHref, Link } from '../router.tsx';
import { JsonBlock } from './json-block.tsx';
import { type FormValue, SchemaForm } from './schema-form.tsx';
import { StatusBadge } from './status-badge.tsx';
import { EscalationDecision, ForkedTo } from './escalation-decision.tsx';

/**
 * One approval: the request, and while PENDING a decision form (for keys that may
 * decide); once decided, its outcome. `compact` leaves out the link to the intent,
 * for the intent's own page.
 */
export function ApprovalCard(p: { approval: ApprovalCardFragment; onResolved(a: ApprovalCardFragment): void; compact?: boolean }) {
  const a = p.approval;
  const canDecide = useCan('APPROVER');
  const [comment, setComment] = useState('');
  const [form, setForm] = useState<FormValue>({ data: null, invalid: null });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const requester = a.requestedBy ?? a.intent?.lease?.agent ?? 'unknown agent';

  const resolve = async (outcome: string) => {
    if (a.requireComment && !comment.trim()) return setError('A comment is required.');
    if (form.invalid) return setError(`The data is not valid JSON: ${form.invalid}`);
    setBusy(true);
    setError(null);
    try {
      const input = { approvalId: a.id, outcome, comment: comment.trim() || null, data: a.formSchema ? form.data : null };
      p.onResolved((await request(ResolveApprovalDocument, { input })).resolveApproval);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class={`card approval approval-${a.status.toLowerCase()}`} data-approval={a.id} data-status={a.status}>
      <header class="card-head">
        <h2>{a.title}</h2>
        <StatusBadge status={a.status} />
      </header>
      {a.description ? <p class="description">{a.description}</p> : null}
      <p class="muted small">
        {a.type} · asked by <strong>{requester}</strong> {relative(a.createdAt)}
        {p.compact ? null : (
          <>
            {' '}for{' '}
            <Link href={intentHref(a.intentId)} class="mono">
              {a.intent?.type ?? a.intentId}
            </Link>
          </>
        )}
        {a.expiresAt ? ` · ${a.status === 'PENDING' ? 'times out' : 'timeout'} ${relative(a.expiresAt)}` : ''}
        {a.assignees.length ? ` · for ${a.assignees.join(', ')}` : ''}
      </p>
      {a.status === 'TIMED_OUT' ? <p class="note warn">Timed out: nobody decided in time{a.outcome ? `; it resolved as “${a.outcome}”` : ''}.</p> : null}
      {a.status === 'ESCALATED' ? <p class="note warn">Escalated: handed on to a new approval for its escalation assignees.</p> : null}
      {a.escalatedFromId ? <p class="note">Escalated from an earlier approval that timed out.</p> : null}
      {a.status === 'PENDING' && canDecide === false ? (
        <p class="note" data-readonly>Waiting for a decision. This API key cannot decide approvals (it needs the approver role).</p>
      ) : a.status === 'PENDING' && canDecide === null ? null : a.status === 'PENDING' && a.type === 'axme.escalation' ? (
        <EscalationDecision approval={a} onResolved={p.onResolved} />
      ) : a.status === 'PENDING' ? (
        <form class="decide" onSubmit={(e) => e.preventDefault()}>
          {a.formSchema ? (
            <SchemaForm
              schema={a.formSchema}
              onChange={(v) => {
                setForm(v);
                setError(null);
              }}
            />
          ) : null}
          <label>
            Comment{a.requireComment ? ' *' : ''}
            <textarea name="comment" rows={2} value={comment} onInput={(e) => {
                setComment(e.currentTarget.value);
                setError(null);
              }} />
          </label>
          {error ? <p class="error">{error}</p> : null}
          <div class="actions">
            {a.options.map((o) => (
              <button key={o} type="button" data-outcome={o} class={/reject|deny|decline|stop/i.test(o) ? 'danger' : 'primary'} disabled={busy} onClick={() => resolve(o)}>
                {o}
              </button>
            ))}
          </div>
        </form>
      ) : a.status === 'RESOLVED' ? (
        <div class="result" data-outcome={a.outcome ?? ''}>
          <p>
            <strong>{a.outcome}</strong> by {a.resolvedBy ?? 'someone'} {relative(a.resolvedAt)}
            {a.comment ? <> — “{a.comment}”</> : null}
          </p>
          {a.data != null ? <JsonBlock label="data" value={a.data} /> : null}
          <ForkedTo result={a.result} />
        </div>
      ) : null}
    </article>
  );
}
