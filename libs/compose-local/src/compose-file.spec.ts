import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interpolate, readComposeFile, startOrder } from './compose-file';

describe('interpolate', () => {
  it('follows compose: $$ is a dollar, defaults with and without colon, required variables', () => {
    const env = { SET: 'v', EMPTY: '' };
    expect(interpolate('a $$(cat x) "$$@"', env)).toBe('a $(cat x) "$@"');
    expect(interpolate('${SET} $SET ${UNSET}', env)).toBe('v v ');
    expect(interpolate('${EMPTY:-d} ${EMPTY-d} ${UNSET-d}', env)).toBe('d  d');
    expect(() => interpolate('${UNSET:?give it}', env)).toThrow('UNSET must be set: give it');
  });
});

describe('readComposeFile and startOrder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scm-compose-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string): string => {
    const f = join(dir, `c${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(f, text);
    return f;
  };

  it('merges anchors, reads depends_on conditions and orders services after what they depend on', () => {
    const f = write(`
x-env: &env
  A: '1'
services:
  api:
    command: ['run']
    environment:
      <<: *env
      B: \${B:-two}
    depends_on:
      db: { condition: service_healthy }
      migrate: { condition: service_completed_successfully }
  migrate:
    command: ['m']
    depends_on: [db]
  db:
    image: postgres:15
`);
    const c = readComposeFile(f, {});
    expect(c.services.api.environment).toEqual({ A: '1', B: 'two' });
    expect(c.services.api.dependsOn).toEqual({ db: 'service_healthy', migrate: 'service_completed_successfully' });
    expect(c.services.migrate.dependsOn).toEqual({ db: 'service_started' });
    expect(startOrder(c, ['api'])).toEqual(['db', 'migrate', 'api']);
  });

  it('refuses a dependency cycle, an unknown service and the shell form of a command', () => {
    const cyc = readComposeFile(write(`services:\n  a: { depends_on: [b] }\n  b: { depends_on: [a] }\n`), {});
    expect(() => startOrder(cyc, ['a'])).toThrow(/cycle/);
    const unknown = readComposeFile(write(`services:\n  a: { depends_on: [nope] }\n`), {});
    expect(() => startOrder(unknown, ['a'])).toThrow('a depends on "nope", which is not a service');
    expect(() => readComposeFile(write(`services:\n  a: { command: run me }\n`), {})).toThrow('a.command must be a list of strings');
  });
});
