import { CaError, CaErrorCode } from '@scm/ca';
import { HsmError, HsmErrorCode } from '@scm/hsm';
import type { JobContext, JobHandler } from '@scm/queue';
import type { Logger } from 'pino';
import type { JobConsumers } from '../../../platform/jobs/job-consumers';
import type { GenerateKeysService, KeygenOutcome } from './generate-keys.service';
import { KeygenProcessor } from './keygen.processor';

function setup(run: () => Promise<KeygenOutcome>) {
  const failed: Array<[string, string, string]> = [];
  const keygen = {
    run,
    fail: async (requestId: string, jobId: string, reason: string) => void failed.push([requestId, jobId, reason]),
  } as unknown as GenerateKeysService;
  const authority = {
    resets: 0,
    reset() {
      this.resets++;
    },
  };
  let handler: JobHandler<'generate-keys'> | undefined;
  const jobs = {
    on: (job: string, owner: string, fn: JobHandler<'generate-keys'>) => {
      expect([job, owner]).toEqual(['generate-keys', 'KeygenProcessor']);
      handler = fn;
    },
  } as unknown as JobConsumers;
  const log = { debug: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
  new KeygenProcessor(keygen, authority, jobs, log).onModuleInit();
  const deliver = (attemptsMade = 0): Promise<void> => {
    const ctx: JobContext = { id: 'generate-keys|requestId=r1', attemptsMade, attempts: 5 };
    return handler!({ requestId: 'r1' }, ctx);
  };
  return { failed, authority, deliver };
}

describe('KeygenProcessor', () => {
  it('binds the generate-keys job and runs the request’s key generation', async () => {
    let ran = 0;
    const { failed, deliver } = setup(async () => {
      ran++;
      return 'generated';
    });
    await deliver();
    expect(ran).toBe(1);
    expect(failed).toEqual([]);
  });

  it('fails the request at once on an error a retry cannot fix', async () => {
    const { failed, deliver } = setup(async () => {
      throw new CaError(CaErrorCode.InvalidRequest, 'cardholder c1 is gone');
    });
    await deliver();
    expect(failed).toEqual([['r1', 'generate-keys|requestId=r1', 'key generation failed: cardholder c1 is gone']]);
  });

  it('lets BullMQ retry other errors, reopening the HSM keys after an HSM error, and fails on the last attempt', async () => {
    const { failed, authority, deliver } = setup(async () => {
      throw new HsmError(HsmErrorCode.Unavailable, 'the HSM is not reachable', {});
    });
    await expect(deliver(0)).rejects.toMatchObject({ code: HsmErrorCode.Unavailable });
    expect(authority.resets).toBe(1);
    expect(failed).toEqual([]);
    await deliver(4);
    expect(failed).toEqual([['r1', 'generate-keys|requestId=r1', 'key generation failed: the HSM is not reachable']]);
  });
});
