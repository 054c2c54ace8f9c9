/**
 * Roles and what each may do. Every root field of the schema has a required
 * role; a field missing from the table needs admin (a new mutation is closed
 * until someone decides who may call it), and a test checks the table covers
 * the schema.
 */
export const ROLES = ['viewer', 'agent', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/** Each role may do everything the roles before it in ROLES may do, and more. */
export function allows(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** Root field → the least role that may call it. Queries and subscriptions not listed need viewer. */
export const MUTATION_ROLES: Record<string, Role> = {
  // agents (and the apps that submit work)
  submitIntent: 'agent',
  claimIntent: 'agent',
  claimIntents: 'agent',
  heartbeatIntent: 'agent',
  checkpointIntent: 'agent',
  recordStep: 'agent',
  recordSteps: 'agent',
  reportProgress: 'agent',
  appendStream: 'agent',
  closeStream: 'agent',
  completeIntent: 'agent',
  completeIntents: 'agent',
  failIntent: 'agent',
  cancelIntent: 'agent',
  retryIntent: 'agent',
  forkIntent: 'agent',
  requestApproval: 'agent',
  waitForSignal: 'agent',
  waitForChildren: 'agent',
  sleepIntent: 'agent',
  signalIntent: 'agent',
  releaseIntent: 'agent',
  // worker processes (issue 18)
  registerWorker: 'agent',
  heartbeatWorker: 'agent',
  stopWorker: 'agent',
  // schedules submit intents, so whoever may submit may schedule
  createSchedule: 'agent',
  updateSchedule: 'agent',
  pauseSchedule: 'agent',
  resumeSchedule: 'agent',
  deleteSchedule: 'agent',
  triggerSchedule: 'agent',
  // people deciding
  resolveApproval: 'approver',
  // operators
  pauseIntentType: 'admin',
  resumeIntentType: 'admin',
  setIntentTypePolicy: 'admin',
  setBudget: 'admin',
  setIntentBudget: 'admin',
  redriveIntents: 'admin',
  cancelIntents: 'admin',
  createApiKey: 'admin',
  revokeApiKey: 'admin',
};

export const QUERY_ROLES: Record<string, Role> = {
  apiKeys: 'admin',
};

export function requiredRole(operation: 'query' | 'mutation' | 'subscription', field: string): Role {
  if (operation === 'mutation') return MUTATION_ROLES[field] ?? 'admin';
  return QUERY_ROLES[field] ?? 'viewer';
}
