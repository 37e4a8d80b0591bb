import type Redis from 'ioredis';
import type { HsmHandle } from '../infra/infra.module';
import { HealthService } from './health.service';
import { InMemoryHealthRepository } from './in-memory-health.repository';

describe('HealthService', () => {
  const setup = (hsmPing: () => Promise<unknown> = async () => undefined) => {
    const db = new InMemoryHealthRepository();
    const redis = { ping: jest.fn(async () => 'PONG') };
    const hsm = { get: () => ({ ping: hsmPing }), reset: jest.fn() };
    const svc = new HealthService(db, redis as unknown as Redis, hsm as unknown as HsmHandle);
    return { db, redis, hsm, svc };
  };

  afterEach(() => jest.useRealTimers());

  it('is ok when PostgreSQL, Redis and the HSM answer', async () => {
    const { svc } = setup();
    const r = await svc.check();
    expect(r.status).toBe('ok');
    expect(r.checks).toEqual({
      database: { status: 'up', latencyMs: expect.any(Number) },
      redis: { status: 'up', latencyMs: expect.any(Number) },
      hsm: { status: 'up', latencyMs: expect.any(Number) },
    });
  });

  it('reports the database down with the first line of its error', async () => {
    const { db, svc } = setup();
    db.failure = new Error('connection refused\nat somewhere');
    const r = await svc.check();
    expect(r.status).toBe('error');
    expect(r.checks.database).toMatchObject({ status: 'down', error: 'connection refused' });
    expect(r.checks.redis.status).toBe('up');
  });

  it('gives up on a database that does not answer within two seconds', async () => {
    jest.useFakeTimers();
    const { db, svc } = setup();
    db.hang = true;
    const pending = svc.check();
    await jest.advanceTimersByTimeAsync(2000);
    const r = await pending;
    expect(r.checks.database).toMatchObject({ status: 'down', error: 'no answer within 2000 ms' });
  });

  it('drops the HSM context after a failed ping so the next use reopens it', async () => {
    const { hsm, svc } = setup(async () => {
      throw new Error('CKR_DEVICE_REMOVED');
    });
    const r = await svc.check();
    expect(r.checks.hsm).toMatchObject({ status: 'down', error: 'CKR_DEVICE_REMOVED' });
    expect(hsm.reset).toHaveBeenCalledTimes(1);
  });
});
