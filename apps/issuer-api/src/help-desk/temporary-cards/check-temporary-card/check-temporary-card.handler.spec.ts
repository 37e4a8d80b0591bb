import { randomBytes } from 'node:crypto';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { CheckTemporaryCardHandler } from './check-temporary-card.handler';
import { CheckTemporaryCardQuery } from './check-temporary-card.query';

describe('CheckTemporaryCardHandler', () => {
  it('tells its host the card is still active, with its expiry, PIN tries left and current version', async () => {
    const w = new HelpdeskWorld();
    const t = await w.temporaryCard({ kdfOutput: randomBytes(32) });
    const check = new CheckTemporaryCardHandler(w.temporary, w.vscs, w.uow.testClock);
    expect(await check.execute(new CheckTemporaryCardQuery(t.id, { id: t.hostWorkerId }))).toEqual({
      state: 'active',
      expiresAt: t.expiresAt.toISOString(),
      pinRemaining: 3,
      version: 2,
    });
  });

  it('answers with the refusal once the card is revoked or expired, and to another host; nothing is audited', async () => {
    const w = new HelpdeskWorld();
    const t = await w.temporaryCard({ kdfOutput: randomBytes(32) });
    const check = new CheckTemporaryCardHandler(w.temporary, w.vscs, w.uow.testClock);
    const ask = (host = t.hostWorkerId) => check.execute(new CheckTemporaryCardQuery(t.id, { id: host }));
    await expect(ask(w.host())).rejects.toMatchObject({ code: E.NotHost });
    w.uow.testClock.advance(8 * 86_400_000);
    await expect(ask()).rejects.toMatchObject({ code: E.Expired });
    await w.temporary.update(undefined as never, t.id, { state: 'revoked' });
    await expect(ask()).rejects.toMatchObject({ code: E.WrongState, message: `temporary card ${t.id} is revoked` });
    expect(w.uow.committed).toEqual([]);
  });
});
