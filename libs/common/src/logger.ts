import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * Field names whose values never reach a log. pino's redaction replaces them wherever they sit in
 * the logged object (one or two levels deep, as req/res bodies and job data are).
 */
const SECRET_KEYS = [
  'pin',
  'puk',
  'newPin',
  'oldPin',
  'password',
  'newPassword',
  'secret',
  'token',
  'privateKey',
  'key',
  'managementKey',
  'mgmKey',
  'cryptogram',
  'authorization',
  'cookie',
  'passphrase',
  'wrappedKey',
];

export const redactPaths = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-scm-token"]',
];

export interface LoggerSettings {
  name: string;
  level?: string;
  /** Append to this file as well as stdout (empty: stdout only). */
  file?: string;
}

/** A JSON logger with secrets redacted; one per process, children per module. */
export function createLogger(s: LoggerSettings): Logger {
  const opts: LoggerOptions = {
    name: s.name,
    level: s.level ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { pid: process.pid, svc: s.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (s.file) {
    const streams = pino.multistream([
      { stream: process.stdout },
      { stream: pino.destination({ dest: s.file, append: true, mkdir: true, sync: false }) },
    ]);
    return pino(opts, streams);
  }
  return pino(opts);
}
