import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/errors.ts';
import { request } from '../api/http.ts';
import { EscalationStepsDocument, ResolveApprovalDocument, type ApprovalCardFragment } from '../generated/graphql.ts';
import { intentHref, Link } from '../router.tsx';

/**
 * A failure escalation (an `axme.escalation` approval): the attempts and the last error, a
 * link to the step timeline, and the three choices: retry as is, fork from a step with an
 * edited input (a JSON merge patch), or fail.
 */
export function EscalationDecision(p: { approval: ApprovalCardFragment; onResolved(a: ApprovalCardFragment): void }) {
  const a = p.approval;
  const i = a.intent;
  const [fromStep, setFromStep] = useState('');
  const [patch, setPatch] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [steps, setSteps] = useState<string[]>([]);
  useEffect(() => {
    let alive = true;
    request(EscalationStepsDocument, { id: a.intentId })
      .then((d) => alive && setSteps([...new Set((d.intent?.steps ?? []).map((s) => s.name))]))
      .catch(() => {});
    return () => void (alive = false);
  }, [a.intentId]);

  const decide = async (outcome: 'retry' | 'fork' | 'fail') => {
    let data: Record<string, unknown> | null = null;
    if (outcome === 'fork') {
      data = {};
      if (fromStep) data.fromStep = fromStep;
      if (patch.trim()) {
        try {
          data.inputPatch = JSON.parse(patch);
        } catch {
          return setError('The input patch is not valid JSON.');
        }
      }
    }
    setBusy(true);
    setError(null);
    try {
      p.onResolved((await request(ResolveApprovalDocument, { input: { approvalId: a.id, outcome, data } })).resolveApproval);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="decide escalation" data-escalation={a.id} onSubmit={(e) => e.preventDefault()}>
      {i ? (
        <p class="note warn" data-last-error>
          Attempt {i.attempt} of {i.maxAttempts} failed: {i.error?.code ? <strong>{i.error.code} </strong> : null}
          {i.error?.message ?? 'no error recorded'} · <a href={`${intentHref(a.intentId)}#steps`}>step timeline</a>
        </p>
      ) : null}
      <label>
        Fork from step
        <select name="fromStep" value={fromStep} onChange={(e) => setFromStep(e.currentTarget.value)}>
          <option value="">(replay every recorded step)</option>
          {steps.map((s) => (
            <option key={s} value={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Input patch for the fork (JSON merge patch)
        <textarea name="inputPatch" rows={3} class="mono" placeholder='{"prompt": "..."}' value={patch} onInput={(e) => setPatch(e.currentTarget.value)} />
      </label>
      {error ? <p class="error">{error}</p> : null}
      <div class="actions">
        <button type="button" data-outcome="retry" class="primary" disabled={busy} onClick={() => decide('retry')}>Retry as is</button>
        <button type="button" data-outcome="fork" class="primary" disabled={busy} onClick={() => decide('fork')}>Fork with this input</button>
        <button type="button" data-outcome="fail" class="danger" disabled={busy} onClick={() => decide('fail')}>Fail</button>
      </div>
    </form>
  );
}

/** After a fork decision: the link to the fork. */
export function ForkedTo(p: { result: unknown }) {
  const id = (p.result as { forkedTo?: string } | null)?.forkedTo;
  return id ? (
    <p data-forked-to={id}>
      Forked to <Link href={intentHref(id)} class="mono">{id}</Link>
    </p>
  ) : null;
}
