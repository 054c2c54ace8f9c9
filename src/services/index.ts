/**
 * What resolvers and sweeps call, made once per instance over one database, clock and
 * notifications. Every write goes through the one `commit`, so a change is announced
 * only after it committed.
 */
import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/log.ts';
import type { Db } from '../db/types.ts';
import type { LocalChanges } from '../pubsub/local-changes.ts';
import type { PubSub } from '../pubsub/types.ts';
import { ApprovalService } from './approvals.ts';
import { BudgetService } from './budgets.ts';
import { BUDGET_APPROVAL_TYPE } from '../store/budget-stop.ts';
import { type Commit, createCommit } from './commit.ts';
import { ESCALATION_TYPE, escalationDecision } from './escalations.ts';
import { ForkService } from './forks.ts';
import { IntentService } from './intents.ts';
import { OperatorService } from './operator.ts';
import { StepService } from './steps.ts';
import { UsageService } from './usage.ts';
import { ScheduleService } from './schedules.ts';
import { WaitService } from './waits.ts';
import { WorkerService } from './workers.ts';

export interface Services {
  intents: IntentService;
  waits: WaitService;
  approvals: ApprovalService;
  operator: OperatorService;
  steps: StepService;
  usage: UsageService;
  workers: WorkerService;
  /** Cron and interval schedules that submit intents (migration 014). */
  schedules: ScheduleService;
  forks: ForkService;
  /** Intent and day budgets (migration 017); their axme.budget approvals are decided here. */
  budgets: BudgetService;
  /** The services' own commit-then-announce, for the sweeps' writes. */
  commit: Commit;
  /** Ends waiting claims so shutdown is not held up by long polls. */
  close(): void;
}

export function createServices(d: { db: Db; clock: Clock; pubsub: PubSub; local: LocalChanges; config: Config; log: Logger }): Services {
  const deps = { ...d, commit: createCommit(d.db, d.pubsub, d.local) };
  const steps = new StepService(deps);
  const intents = new IntentService(deps, steps);
  const approvals = new ApprovalService(deps);
  const budgets = new BudgetService(deps);
  approvals.decideWith(BUDGET_APPROVAL_TYPE, budgets.decide);
  approvals.decideWith(ESCALATION_TYPE, escalationDecision(d.config));
  return {
    intents,
    waits: new WaitService(deps),
    approvals,
    budgets,
    operator: new OperatorService(deps),
    steps,
    usage: new UsageService(deps),
    workers: new WorkerService(deps),
    schedules: new ScheduleService(deps),
    forks: new ForkService(deps),
    commit: deps.commit,
    close: () => intents.close(),
  };
}
