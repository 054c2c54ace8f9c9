// The DBOS side of the durable run: a workflow of 3 steps (DBOS.runStep), each result
// checkpointed in the system database before the next starts.
export function registerBenchWorkflow(DBOS: any): (input: unknown) => Promise<unknown> {
  return DBOS.registerWorkflow(async (input: { order: number }) => {
    const a = await DBOS.runStep(async () => ({ checked: input.order }), { name: 'check' });
    const b = await DBOS.runStep(async () => ({ priced: a.checked * 2 }), { name: 'price' });
    const c = await DBOS.runStep(async () => ({ done: b.priced + 1 }), { name: 'confirm' });
    return c;
  }, { name: 'benchRun' });
}
