import { randomBytes } from 'node:crypto';
import { testActor } from '../../../platform/testing/test-unit-of-work';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { ServeTemporaryCardCommand } from './serve-temporary-card.command';
import { ServeTemporaryCardHandler } from './serve-temporary-card.handler';

const worker = (id: string) => testActor(id, 'card-worker');

function setup() {
  const w = new HelpdeskWorld();
  const handler = new ServeTemporaryCardHandler(w.uow, w.temporary, w.vscs);
  const serve = (id: string, host: string) => handler.execute(new ServeTemporaryCardCommand(id, { id: host }, worker(host)));
  return { w, serve };
}

describe('ServeTemporaryCardHandler', () => {
  it('gives its own host the current escrowed content and the state the API keeps, audited', async () => {
    const { w, serve } = setup();
    const t = await w.temporaryCard({ kdfOutput: randomBytes(32), pinRemaining: 2 });
    const hosted = await serve(t.id, t.hostWorkerId);
    expect(hosted).toEqual({
      id: t.id,
      label: w.vscs.vscs.get(t.id)!.label,
      version: 2,
      content: (await w.vscs.version(t.id, 2))!.content.toString('base64'),
      expiresAt: t.expiresAt.toISOString(),
      state: {
        sequence: 1,
        status: 'active',
        pin: { remaining: 2, total: 3 },
        puk: { remaining: 0, total: 0 },
        expiresAt: Math.floor(t.expiresAt.getTime() / 1000),
      },
    });
    expect(w.uow.events).toEqual([
      expect.objectContaining({
        action: 'temporary-card.served',
        targetId: t.id,
        outcome: 'success',
        details: { workerId: t.hostWorkerId, version: 2 },
      }),
    ]);
  });

  it.each([
    ['another host', { kdfOutput: randomBytes(32) }, 'other', E.NotHost],
    ['a card not activated yet', {}, 'own', E.WrongState],
    ['a revoked card', { kdfOutput: randomBytes(32), state: 'revoked' as const }, 'own', E.WrongState],
    ['a card past its expiry', { kdfOutput: randomBytes(32), expiresAt: new Date('2026-12-01T09:00:00Z') }, 'own', E.Expired],
  ])('refuses %s, audited as denied', async (_what, opts, who, code) => {
    const { w, serve } = setup();
    const t = await w.temporaryCard(opts);
    const host = who === 'own' ? t.hostWorkerId : w.host();
    await expect(serve(t.id, host)).rejects.toMatchObject({ code });
    expect(w.uow.events).toEqual([
      expect.objectContaining({ action: 'temporary-card.served', outcome: 'denied', details: { workerId: host, refusal: code } }),
    ]);
  });
});
