// Preloaded (`--expose-gc --import`) into the fan-out scenario's server, so the bench can
// ask for a full collection before it reads memory: the heap figures then count what the
// subscriptions keep alive, not garbage a later collection would have freed.
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
