import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './types.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

const FILE = /^(\d+)[-_].+\.sql$/;

export interface MigrationFile {
  id: number;
  name: string;
  path: string;
}

export async function listMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => FILE.test(n));
  const files = names.map((name) => ({ id: Number(FILE.exec(name)![1]), name, path: `${dir}/${name}` }));
  files.sort((a, b) => a.id - b.id);
  for (let i = 1; i < files.length; i++) {
    if (files[i]!.id === files[i - 1]!.id) throw new Error(`two migrations numbered ${files[i]!.id}`);
  }
  return files;
}

/**
 * Applies every migration the database lacks, in one transaction under an
 * advisory lock keyed by the schema, so instances starting together queue up
 * instead of racing; the second finds nothing left to do. Returns what it applied.
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = await listMigrations(dir);
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || '.axme_migrate'))`);
    await tx.exec(`create table if not exists axme_migrations (
      id int primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
    const { rows } = await tx.query<{ id: number }>('select id from axme_migrations order by id');
    const applied = new Set(rows.map((r) => r.id));
    const known = new Set(files.map((f) => f.id));
    const unknown = [...applied].filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new Error(`database has migration ${unknown.join(', ')} that this server does not know; run a newer server`);
    }
    const done: string[] = [];
    for (const f of files) {
      if (applied.has(f.id)) continue;
      await tx.exec(await readFile(f.path, 'utf8'));
      await tx.query('insert into axme_migrations (id, name) values ($1, $2)', [f.id, f.name]);
      done.push(f.name);
    }
    return done;
  });
}
