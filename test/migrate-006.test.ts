import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MIGRATIONS_DIR, listMigrations, migrate } from '../src/db/migrate.ts';
import { freshDb, type TestDb } from './helpers/db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

const ids = { waiting: '01900000-0000-7000-8000-000000000001', woken: '01900000-0000-7000-8000-000000000002', failed: '01900000-0000-7000-8000-000000000003' };
const approvals = { old: '01900000-0000-7000-8000-0000000000a1', current: '01900000-0000-7000-8000-0000000000a2' };

it('006 points existing approval waits at their pending approval and lets woken intents resume their attempt', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'axme-mig-'));
  try {
    for (const m of (await listMigrations()).filter((m) => m.id < 6)) await copyFile(m.path, join(dir, m.name));
    await migrate(t.db, dir);
    const now = new Date('2030-01-01T00:00:00Z');
    const intent = (id: string, status: string, waitingFor: string | null, lastSeq: number) => t.db.query(
      `insert into intents (id, type, status, waiting_for, attempt, max_attempts, run_at, created_at, updated_at, last_seq)
       values ($1, 'm', $2, $3, 1, 3, $4, $4, $4, $5)`, [id, status, waitingFor, now, lastSeq]);
    await intent(ids.waiting, 'WAITING', 'APPROVAL', 1);
    await intent(ids.woken, 'PENDING', null, 2);
    await intent(ids.failed, 'PENDING', null, 2);
    for (const [id, status, at] of [[approvals.old, 'ESCALATED', '2029-12-31T00:00:00Z'], [approvals.current, 'PENDING', '2030-01-01T00:00:00Z']]) {
      await t.db.query(`insert into approvals (id, intent_id, type, title, options, on_timeout, status, created_at)
        values ($1, $2, 'approval', 'ok?', '{approve}', 'REJECT', $3, $4)`, [id, ids.waiting, status, at]);
    }
    const event = (id: string, seq: number, kind: string, data: unknown) => t.db.query(
      `insert into intent_events (intent_id, seq, kind, status, data, at) values ($1, $2, $3, 'PENDING', $4::jsonb, $5)`,
      [id, seq, kind, JSON.stringify(data), now]);
    await event(ids.woken, 2, 'RESUMED', { wake: 'TIME' });
    await event(ids.failed, 2, 'RETRY_SCHEDULED', { attempt: 1 });

    expect((await migrate(t.db, MIGRATIONS_DIR))[0]).toBe('006_lifecycle_fixes.sql');
    const { rows } = await t.db.query<{ id: string; wait_name: string | null; resume_next: boolean }>(
      `select id, wait_name, resume_next from intents order by id`);
    expect(rows).toEqual([
      { id: ids.waiting, wait_name: approvals.current, resume_next: false },
      { id: ids.woken, wait_name: null, resume_next: true },
      { id: ids.failed, wait_name: null, resume_next: false },
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
