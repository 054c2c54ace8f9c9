/**
 * What every task on a timer shares with the code it calls: who it acts as, and how
 * much it takes on per call. Here, not in sweeps/, because the store and the services
 * write the actor and size their batches by it.
 */

/** The actor of every change the sweeper makes (expiries, timeouts, wakes nobody asked for). */
export const SWEEPER_ACTOR = 'axme:sweeper';

/** Rows a task handles per call; a task that handled this many is called again at once. */
export const SWEEP_BATCH = 100;
