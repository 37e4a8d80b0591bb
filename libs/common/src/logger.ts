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
  'transportKey',
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
  /** Append to this file as well as the console stream (empty: the console stream only). */
  file?: string;
  /** The console stream: stdout (default), or stderr for a process whose stdout carries its answer. */
  console?: 'stdout' | 'stderr';
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
  const out = s.console === 'stderr' ? process.stderr : process.stdout;
  if (s.file) {
    const streams = pino.multistream([
      { stream: out },
      { stream: pino.destination({ dest: s.file, append: true, mkdir: true, sync: false }) },
    ]);
    return pino(opts, streams);
  }
  return s.console === 'stderr' ? pino(opts, pino.destination(2)) : pino(opts);
}
