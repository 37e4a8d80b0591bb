import { randomBytes } from 'node:crypto';
import { parseVscFile } from '@scm/vsc';
import { testActor } from '../../../platform/testing/test-unit-of-work';
import { HelpdeskWorld } from '../../testing/help-desk-world';
import { TemporaryCardErrorCode as E } from '../temporary-card-errors';
import { ComputeSealMacCommand } from './compute-seal-mac.command';
import { ComputeSealMacHandler } from './compute-seal-mac.handler';

function setup() {
  const w = new HelpdeskWorld();
  const handler = new ComputeSealMacHandler(w.uow, w.escrow, w.temporary, w.vscs);
  const mac = (id: string, host: string, data: Buffer) =>
    handler.execute(new ComputeSealMacCommand(id, { id: host }, data, testActor(host, 'card-worker')));
  return { w, mac };
}

describe('ComputeSealMacHandler', () => {
  it('answers the seal MAC over what the seal of an escrowed version covers, for every escrowed version', async () => {
    const { w, mac } = setup();
    const t = await w.temporaryCard({ kdfOutput: randomBytes(32) });
    for (const version of [1, 2]) {
      const { seal } = parseVscFile((await w.vscs.version(t.id, version))!.content).content;
      expect(await mac(t.id, t.hostWorkerId, Buffer.from(seal.input))).toEqual({ mac: seal.mac.toString('base64') });
    }
    expect(w.uow.events).toEqual([]);
  });

  it('refuses anything else — other bytes, a version not escrowed — audited with the number of bytes asked for', async () => {
    const { w, mac } = setup();
    const t = await w.temporaryCard({ kdfOutput: randomBytes(32) });
    const input = Buffer.from(parseVscFile((await w.vscs.version(t.id, 2))!.content).content.seal.input);
    const changed = Buffer.from(input);
    changed[40] ^= 0x01;
    await expect(mac(t.id, t.hostWorkerId, changed)).rejects.toMatchObject({ code: E.Invalid });
    await expect(mac(t.id, t.hostWorkerId, input.subarray(0, 100))).rejects.toMatchObject({ code: E.Invalid });
    w.vscs.stored.find((v) => v.vscId === t.id && v.version === 2)!.escrowedAt = null;
    await expect(mac(t.id, t.hostWorkerId, input)).rejects.toMatchObject({ code: E.Invalid });
    expect(w.uow.events.map((e) => [e.action, e.outcome, e.details])).toEqual([
      ['temporary-card.seal-check', 'denied', { workerId: t.hostWorkerId, bytes: input.length }],
      ['temporary-card.seal-check', 'denied', { workerId: t.hostWorkerId, bytes: 100 }],
      ['temporary-card.seal-check', 'denied', { workerId: t.hostWorkerId, bytes: input.length }],
    ]);
  });

  it('is refused to another host and after expiry or revocation, without an answer', async () => {
    const { w, mac } = setup();
    const t = await w.temporaryCard({ kdfOutput: randomBytes(32) });
    const input = Buffer.from(parseVscFile((await w.vscs.version(t.id, 2))!.content).content.seal.input);
    await expect(mac(t.id, w.host(), input)).rejects.toMatchObject({ code: E.NotHost });
    w.uow.testClock.advance(8 * 86_400_000);
    await expect(mac(t.id, t.hostWorkerId, input)).rejects.toMatchObject({ code: E.Expired });
    await w.temporary.update(undefined as never, t.id, { state: 'revoked' });
    await expect(mac(t.id, t.hostWorkerId, input)).rejects.toMatchObject({ code: E.WrongState });
  });

  it('refuses the sealed content of another temporary card, even to that card’s own host', async () => {
    const { w, mac } = setup();
    const t = await w.temporaryCard({ kdfOutput: randomBytes(32) });
    const other = await w.temporaryCard({ kdfOutput: randomBytes(32) });
    const theirs = Buffer.from(parseVscFile((await w.vscs.version(other.id, 2))!.content).content.seal.input);
    await expect(mac(t.id, t.hostWorkerId, theirs)).rejects.toMatchObject({ code: E.Invalid });
    await expect(mac(other.id, t.hostWorkerId, theirs)).rejects.toMatchObject({ code: E.NotHost });
  });
});
