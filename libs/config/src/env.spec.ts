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
});
