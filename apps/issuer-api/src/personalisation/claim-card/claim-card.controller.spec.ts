import type { CommandBus } from '@nestjs/cqrs';
import type { ClaimView, PersonalisationPackage } from '@scm/personalisation';
import { testActor } from '../../platform/testing/test-unit-of-work';
import type { Principal } from '../../trust/auth/principal';
import { ReleaseKeyMaterialCommand } from '../release-key-material/release-key-material.command';
import { ClaimCardCommand } from './claim-card.command';
import { ClaimCardController } from './claim-card.controller';
import type { ClaimDto } from './claim-card.dto';

const REQUEST = '00000000-0000-4000-8000-000000000001';
const worker: Principal = { kind: 'worker', id: 'w-1', name: 'ws1', workstation: 1, sessionId: 's-1' };
const claimed = { requestId: REQUEST, cardId: 'c-1', serial: '12345678', attempt: 1 } as ClaimView;
const pkg = { requestId: REQUEST, vscId: 'v-1' } as PersonalisationPackage;
const dto = (withPackage?: boolean): ClaimDto => ({ requestId: REQUEST, serial: '12345678', atr: '3bf8', withPackage }) as ClaimDto;

/** A command bus that answers the claim, and the release with `release`. */
function setup(release: () => Promise<PersonalisationPackage>) {
  const sent: unknown[] = [];
  const commands = {
    execute: async (c: unknown) => {
      sent.push(c);
      return c instanceof ReleaseKeyMaterialCommand ? release() : claimed;
    },
  } as unknown as CommandBus;
  const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const log = { warn: (fields: Record<string, unknown>, message: string) => void warnings.push({ fields, message }) };
  return { sent, warnings, controller: new ClaimCardController(commands, log as never) };
}

describe('ClaimCardController', () => {
  it('answers the claim alone unless the worker asks for the package', async () => {
    const { sent, controller } = setup(async () => pkg);
    expect(await controller.claim(dto(), worker, testActor())).toEqual(claimed);
    expect(sent.map((c) => c?.constructor)).toEqual([ClaimCardCommand]);
  });

  it('with withPackage, releases the package for the claiming worker after the claim and answers both', async () => {
    const { sent, controller } = setup(async () => pkg);
    expect(await controller.claim(dto(true), worker, testActor())).toEqual({ ...claimed, package: pkg });
    expect(sent.map((c) => c?.constructor)).toEqual([ClaimCardCommand, ReleaseKeyMaterialCommand]);
    expect(sent[1]).toMatchObject({ requestId: REQUEST, workerId: 'w-1' });
  });

  it('keeps the claim when the release fails: no package, and the worker asks for it again', async () => {
    const { controller, warnings } = setup(async () => {
      throw Object.assign(new Error('the VSC does not open'), { code: 'vsc.corrupt' });
    });
    expect(await controller.claim(dto(true), worker, testActor())).toEqual(claimed);
    // Said where it happens, for the operator: which request, which worker, why.
    expect(warnings).toEqual([
      {
        fields: { requestId: REQUEST, worker: 'w-1', code: 'vsc.corrupt', err: 'the VSC does not open' },
        message: expect.stringContaining('could not be released with the claim'),
      },
    ]);
  });
});
