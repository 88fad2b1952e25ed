/**
 * Structured logs on stderr (stdout is for results). A fixed message per event, the variables
 * as fields. Credentials and signatures are redacted wherever they might appear.
 */
import pino from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

export const REDACT_PATHS = [
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'credentials', '*.credentials', 'secretAccessKey', '*.secretAccessKey', 'sessionToken', '*.sessionToken',
  '*.headers["x-amz-security-token"]',
];

export function createLogger(o: { level: string; format: LogFormat; destination?: NodeJS.WritableStream }): Logger {
  const options = { level: o.level, base: undefined, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (o.format === 'pretty') {
    return pino(options, pretty({ destination: o.destination ?? process.stderr, sync: true, colorize: process.stderr.isTTY }));
  }
  return pino(options, o.destination ?? pino.destination({ dest: 2, sync: true }));
}
