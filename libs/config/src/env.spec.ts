import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiSchema, ConfigError, int, loadConfig, url, workerSchema } from './index';

describe('loadConfig', () => {
  it('applies defaults: an empty environment is a working configuration', () => {
    const cfg = loadConfig(apiSchema, {});
    expect(cfg.SCM_HTTP_PORT).toBe(7400);
    expect(cfg.SCM_DATABASE_URL).toMatch(/^postgres:\/\/scm_app@/);
    expect(cfg.SCM_OPENAPI).toBe(true);
  });

  it('names every bad variable in one error', () => {
    const env = { SCM_HTTP_PORT: 'eighty', SCM_REDIS_URL: 'localhost:6379', SCM_LOG_LEVEL: 'loud' };
    let err: unknown;
    try {
      loadConfig(apiSchema, env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    expect(msg).toContain('SCM_HTTP_PORT="eighty" must be an integer between 1 and 65535');
    expect(msg).toContain('SCM_LOG_LEVEL="loud" must be one of');
    // secrets are never echoed back
    expect(msg).toContain('SCM_REDIS_URL=(hidden) must use redis: or rediss:');
    expect(msg).not.toContain('localhost:6379');
    expect((err as ConfigError).problems).toHaveLength(3);
  });

  it('rejects out-of-range integers and wrong URL schemes', () => {
    expect(() => loadConfig({ X: int('x', undefined, 1, 10) }, { X: '11' })).toThrow(/X="11" must be an integer between 1 and 10/);
    expect(() => loadConfig({ U: url('u', undefined, ['postgres:']) }, { U: 'mysql://h/db' })).toThrow(
      /U="mysql:\/\/h\/db" must use postgres:/,
    );
  });

  it('reports a required variable that is missing', () => {
    expect(() => loadConfig({ NEED: int('needed thing', undefined, 0, 1) }, {})).toThrow(/NEED is required: needed thing/);
  });

  it('validates the worker schema too', () => {
    expect(() => loadConfig(workerSchema, { SCM_WORKSTATION: '-1' })).toThrow(/SCM_WORKSTATION/);
    expect(loadConfig(workerSchema, {}).SCM_WORKSTATION).toBe(0);
  });

  it('refuses a card worker an API URL that would carry its session and key material in clear', () => {
    for (const ok of ['https://scm.example.org:8443', 'http://127.0.0.1:7400', 'http://localhost:7400', 'http://[::1]:7400'])
      expect(loadConfig(workerSchema, { SCM_API_URL: ok }).SCM_API_URL).toBe(ok);
    expect(() => loadConfig(workerSchema, { SCM_API_URL: 'http://scm.example.org:7400' })).toThrow(/SCM_API_URL.*in clear: use https:\/\//);
    expect(() => loadConfig(workerSchema, { SCM_API_URL: 'http://127.0.0.1.evil.example' })).toThrow(/in clear/);
    expect(() => loadConfig(workerSchema, { SCM_API_URL: 'ftp://scm.example.org' })).toThrow(/must use https/);
  });
});

describe('password files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scm-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const secret = (name: string, text: string): string => {
    const f = join(dir, name);
    writeFileSync(f, text, { mode: 0o600 });
    return f;
  };

  it('puts the password of a *_PASSWORD_FILE into its URL (final line break dropped, percent-encoded)', () => {
    const cfg = loadConfig(apiSchema, {
      SCM_DATABASE_URL: 'postgres://scm_app@postgres:5432/scm',
      SCM_DATABASE_PASSWORD_FILE: secret('app', 'p@ss/w:rd\n'),
      SCM_REDIS_URL: 'redis://redis:6379/0',
      SCM_REDIS_PASSWORD_FILE: secret('redis', 'r3dis'),
    });
    const db = new URL(cfg.SCM_DATABASE_URL);
    expect([db.username, decodeURIComponent(db.password), db.host]).toEqual(['scm_app', 'p@ss/w:rd', 'postgres:5432']);
    expect(cfg.SCM_REDIS_URL).toBe('redis://:r3dis@redis:6379/0');
    // the owner URL, without a file, is left as given
    expect(cfg.SCM_DATABASE_OWNER_URL).toBe('postgres://scm_owner@127.0.0.1:5432/scm');
  });

  it('names a missing, empty or multi-line password file without showing its content', () => {
    let err: ConfigError | undefined;
    try {
      loadConfig(apiSchema, {
        SCM_DATABASE_PASSWORD_FILE: join(dir, 'absent'),
        SCM_DATABASE_OWNER_PASSWORD_FILE: secret('empty', '\n'),
        SCM_REDIS_PASSWORD_FILE: secret('two', 'line one\nline two\n'),
      });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err?.problems).toEqual([
      `SCM_DATABASE_PASSWORD_FILE="${join(dir, 'absent')}" cannot be read (ENOENT)`,
      `SCM_DATABASE_OWNER_PASSWORD_FILE="${join(dir, 'empty')}" is empty`,
      `SCM_REDIS_PASSWORD_FILE="${join(dir, 'two')}" holds more than one line`,
    ]);
    expect(err?.message).not.toContain('line one');
  });
});
