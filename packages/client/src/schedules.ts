/**
 * Schedules through the client: `axme.schedules.create({ name, cron, timezone, intent })`.
 * Each fire submits one intent (idempotency key schedule:<id>:<fire time>).
 */
import * as ops from './generated/graphql.ts';
import type { TypedDocumentString } from './generated/graphql.ts';

type Intent = ops.IntentFieldsFragment;

/** What the schedule methods send through: AxmeClient.request (an interface, so client.ts and this file do not import each other). */
export interface Requester {
  request<R, V>(doc: TypedDocumentString<R, V>, variables: V): Promise<R>;
}

export type Schedule = ops.ScheduleFieldsFragment;
export type ScheduleWithPreview = NonNullable<ops.GetScheduleQuery['schedule']>;

export class ScheduleClient {
  private readonly client: Requester;

  constructor(client: Requester) {
    this.client = client;
  }

  async create(input: ops.CreateScheduleInput): Promise<Schedule> {
    return (await this.client.request(ops.CreateScheduleDocument, { input })).createSchedule;
  }

  /** Changes only the fields given. */
  async update(input: ops.UpdateScheduleInput): Promise<Schedule> {
    return (await this.client.request(ops.UpdateScheduleDocument, { input })).updateSchedule;
  }

  /** By id or by name, with its next `next` fire times (default 5). */
  async get(by: { id?: string; name?: string }, next = 5): Promise<ScheduleWithPreview | null> {
    return (await this.client.request(ops.GetScheduleDocument, { id: by.id ?? null, name: by.name ?? null, next })).schedule;
  }

  async list(filter: ops.ScheduleFilter = {}, page: { first?: number; after?: string } = {}) {
    return (await this.client.request(ops.ListSchedulesDocument, { filter, ...page })).schedules;
  }

  async pause(id: string, reason?: string): Promise<Schedule> {
    return (await this.client.request(ops.PauseScheduleDocument, { id, reason: reason ?? null })).pauseSchedule;
  }

  async resume(id: string): Promise<Schedule> {
    return (await this.client.request(ops.ResumeScheduleDocument, { id })).resumeSchedule;
  }

  /** Whether it existed; its intents stay. */
  async delete(id: string): Promise<boolean> {
    return (await this.client.request(ops.DeleteScheduleDocument, { id })).deleteSchedule;
  }

  /** Fires now, whatever the overlap policy; answers the submitted intent. */
  async trigger(id: string): Promise<Intent> {
    return (await this.client.request(ops.TriggerScheduleDocument, { id })).triggerSchedule;
  }
}
