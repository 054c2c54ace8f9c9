/**
 * `axme keys …`: manages API keys straight in the database (DATABASE_URL, or the
 * embedded data folder), so the first admin key can be made before any key exists.
 */
import type { Command } from 'commander';
import { ApiKeys } from '../auth/keys.ts';
import { ROLES } from '../core/roles.ts';
import { systemClock } from '../core/clock.ts';
import { loadConfig } from '../core/config.ts';
import { openDb } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { createLogger } from '../core/log.ts';

async function withKeys<T>(fn: (keys: ApiKeys) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDb(config, createLogger('warn'));
  try {
    await migrate(db);
    return await fn(new ApiKeys(db, systemClock));
  } finally {
    await db.close();
  }
}

export function keysCommand(program: Command, print: (value: unknown, text: () => string) => void): void {
  const keys = program.command('keys').description('manage API keys (directly in the database)');
  keys
    .command('create')
    .description('create a key; its secret is printed once')
    .requiredOption('--name <principal>', 'who uses it: written as the actor of what it does')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--namespace <ns>', 'namespace', 'default')
    .action(async (o) => {
      const created = await withKeys((k) => k.create({ namespace: o.namespace, name: o.name, role: o.role }));
      print({ ...created.key, secret: created.secret }, () =>
        [
          `created ${created.key.role} key ${created.key.id} for ${created.key.name} in namespace ${created.key.namespace}`,
          `secret (shown once, store it now): ${created.secret}`,
        ].join('\n'),
      );
    });
  keys
    .command('list')
    .description('list the keys of a namespace')
    .option('--namespace <ns>', 'namespace', 'default')
    .action(async (o) => {
      const list = await withKeys((k) => k.list(o.namespace));
      print(list, () =>
        list
          .map((k) => `${k.id}  ${k.keyPrefix}…  ${k.role.padEnd(8)}  ${k.name}${k.revokedAt ? '  (revoked)' : ''}  last used ${k.lastUsedAt?.toISOString() ?? 'never'}`)
          .join('\n') || 'no keys',
      );
    });
  keys
    .command('revoke <id>')
    .description('revoke a key')
    .option('--namespace <ns>', 'namespace', 'default')
    .action(async (id: string, o) => {
      const key = await withKeys((k) => k.revoke(o.namespace, id));
      print(key, () => `revoked ${key.id} (${key.name})`);
    });
}
