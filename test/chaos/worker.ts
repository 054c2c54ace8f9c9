/**
 * A worker process for the chaos suite: the client's Worker with short leases.
 * The handler records its side effect (a line "<intent id> <agent>" appended to
 * AXME_CHAOS_EFFECTS) before it works, prints "claimed <id>" so the test can kill
 * it mid-lease, and returns its agent name as the output.
 */
import { appendFileSync } from 'node:fs';
import { createClient } from '@axme/client';

const agent = process.env.AXME_CHAOS_AGENT!;
const effects = process.env.AXME_CHAOS_EFFECTS!;
const client = createClient({ url: process.env.AXME_URL! });
client.worker(
  { types: ['chaos.work'], agent, concurrency: 3, leaseSeconds: 2, waitSeconds: 1, onError: () => {} },
  async (run) => {
    appendFileSync(effects, `${run.id} ${agent}\n`);
    process.stdout.write(`claimed ${run.id}\n`);
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 350));
    return { agent };
  },
);
process.stdout.write('started\n');
