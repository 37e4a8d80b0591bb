import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
};

/** No Docker engine runs here: the deployment file is checked by reading it. */
describe('docker-compose.yml', () => {
  const doc = parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
    secrets: Record<string, { file: string }>;
  };
  const s = doc.services;

  it('has the services of an SCM deployment, each with a healthcheck where it runs long', () => {
    expect(Object.keys(s).sort()).toEqual(['card-worker', 'issuer-api', 'migrate', 'postgres', 'redis']);
    for (const name of ['postgres', 'redis', 'issuer-api', 'card-worker']) expect(s[name].healthcheck?.test.length).toBeGreaterThan(0);
  });

  it('keeps PostgreSQL data in a volume', () => {
    expect(s.postgres.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(doc.volumes).toHaveProperty('pgdata');
  });

  it('runs Redis with AOF and noeviction (queues must not be dropped)', () => {
    const cmd = s.redis.command!.join(' ');
    expect(cmd).toMatch(/--appendonly yes/);
    expect(cmd).toMatch(/--maxmemory-policy noeviction/);
    expect(s.redis.volumes).toContain('redisdata:/data');
  });

  it('publishes the API port and configures the HSM by environment, the PIN from a secret', () => {
    expect(s['issuer-api'].ports).toContain('7400:7400');
    const env = s['issuer-api'].environment!;
    expect(env.SCM_PKCS11_MODULE).toBeDefined();
    expect(env.SCM_PKCS11_TOKEN_LABEL).toBeDefined();
    expect(env.SCM_PKCS11_PIN_FILE).toBe('/run/secrets/hsm_pin');
    expect(env).not.toHaveProperty('SCM_PKCS11_PIN');
    expect(doc.secrets.hsm_pin.file).toBeDefined();
  });

  it("gives the card worker the host's pcscd socket", () => {
    expect(s['card-worker'].volumes).toContain('/run/pcscd:/run/pcscd');
    expect(s['card-worker'].depends_on?.['issuer-api'].condition).toBe('service_healthy');
  });

  it('migrates the schema before the API starts', () => {
    expect(s.migrate.command).toEqual(['node', 'dist/apps/cli/src/main.js', 'db', 'setup']);
    expect(s['issuer-api'].depends_on?.migrate.condition).toBe('service_completed_successfully');
  });
});
