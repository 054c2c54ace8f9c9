// Restate's side of the durable run: a service endpoint (HTTP/2) whose handler runs
// 3 ctx.run steps, each journaled by the Restate server before the next starts.
import { peerRequire } from './peers.ts';

const restate = peerRequire('@restatedev/restate-sdk');
const bench = restate.service({
  name: 'Bench',
  handlers: {
    run: async (ctx: any, input: { order: number }) => {
      const a = await ctx.run('check', async () => ({ checked: input.order }));
      const b = await ctx.run('price', async () => ({ priced: a.checked * 2 }));
      return ctx.run('confirm', async () => ({ done: b.priced + 1 }));
    },
  },
});
await restate.serve({ services: [bench], port: Number(process.env.BENCH_PORT) });
process.stdout.write('ready\n');
