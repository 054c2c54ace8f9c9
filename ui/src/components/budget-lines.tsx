/**
 * The budgets an intent's usage counts against, nearest first (its own, inherited ones,
 * its type's and namespace's day budgets): spent against each limit, and whether it is
 * crossed (the engine then stopped the intent, per onExceeded).
 */
import type { IntentDetailFragment } from '../generated/graphql.ts';
import { intentHref, Link } from '../router.tsx';
import { usd } from './step-timeline.tsx';

type Budget = IntentDetailFragment['budgets'][number];

function Meter(p: { spent: number; max: number; label: string }) {
  return <meter min={0} max={p.max} high={p.max * 0.8} optimum={0} value={Math.min(p.spent, p.max)} aria-label={p.label} />;
}

function Line(p: { b: Budget; intentId: string }) {
  const b = p.b;
  const which = b.scope === 'INTENT'
    ? (b.intentId === p.intentId ? 'own' : <>inherited from <Link href={intentHref(b.intentId!)} class="mono">{b.intentId!.slice(0, 8)}</Link></>)
    : b.scope === 'TYPE' ? `type ${b.type}, ${b.day}` : `namespace, ${b.day}`;
  return (
    <div class="budget" data-budget={b.scope} data-exceeded={b.exceeded ? 'true' : 'false'}>
      {b.maxUsd != null ? (
        <span>
          {usd(b.spentUsd)} of {usd(b.maxUsd)} <Meter spent={b.spentUsd} max={b.maxUsd} label="USD spent" />
        </span>
      ) : null}
      {b.maxTokens != null ? (
        <span>
          {' '}{b.spentTokens} of {b.maxTokens} tokens <Meter spent={b.spentTokens} max={b.maxTokens} label="tokens spent" />
        </span>
      ) : null}
      <span class="muted"> · {which} · {b.onExceeded === 'WAIT' ? 'waits for a raise' : 'fails'} when exceeded</span>
      {b.exceeded ? <strong class="error-text"> · exceeded</strong> : null}
    </div>
  );
}

export function BudgetLines(p: { intentId: string; budgets: readonly Budget[] }) {
  return <>{p.budgets.map((b, i) => <Line key={i} b={b} intentId={p.intentId} />)}</>;
}
