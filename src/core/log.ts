import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

/**
 * JSON lines for machines (the default when stdout is not a terminal); one readable,
 * coloured line per entry for a person at a terminal.
 */
export function createLogger(level: string, format: 'pretty' | 'json' = 'json'): Logger {
  const options = { level, base: { service: 'axme' } };
  if (format === 'json') return pino(options);
  return pino(options, PinoPretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true }));
}
