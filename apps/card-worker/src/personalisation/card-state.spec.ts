import { StatusWordError } from '@scm/apdu';
import { type CommandRefusal, Ins, PivCard, SoftPivBackend } from '@scm/card-engine';
import { PcscError, PcscErrorCode } from '@scm/pcsc';
import { DEFAULTS, NoKeyError, NotAuthorizedError, PivError, PivErrorCode, PivSession, SoftwareManagementKey } from '@scm/piv';
import { cardRefusal, ensureDiscovery } from './card-state';

describe('what counts as the card refusing a step', () => {
  it('a status word the card was not asked for, with that status word', () => {
    expect(cardRefusal(new StatusWordError(0x6a80, [0x9000], 'PUT DATA 5FC102'))).toEqual({ sw: '6A80' });
    expect(cardRefusal(new NotAuthorizedError('IMPORT', { cause: new StatusWordError(0x6982) }))).toEqual({ sw: '6982' });
    expect(cardRefusal(new NoKeyError(0x9a, { cause: new StatusWordError(0x6a88) }))).toEqual({ sw: '6A88' });
    expect(cardRefusal(new PivError(PivErrorCode.NotSupported, 'GENERATE: not supported', { sw: 0x6d00 }))).toEqual({ sw: '6D00' });
  });

  it('an answer that makes no sense, without a status word', () => {
    expect(cardRefusal(new PivError(PivErrorCode.BadObject, 'malformed answer'))).toEqual({ sw: null });
    expect(cardRefusal(new PivError(PivErrorCode.CardError, 'the card answers neither key'))).toEqual({ sw: null });
  });

  it('not a card that left the reader, nor a fault of the package found by the worker itself', () => {
    expect(cardRefusal(new PcscError(PcscErrorCode.CardRemoved, 'removed'))).toBeUndefined();
    expect(cardRefusal(new PivError(PivErrorCode.InvalidArgument, 'the key material holds no PUK'))).toBeUndefined();
    expect(cardRefusal(new Error('network'))).toBeUndefined();
  });
});

describe('Discovery, an object the card may keep itself', () => {
  const DISCOVERY = Uint8Array.from(Buffer.from('4f0ba0000003080000100001005f2f024000', 'hex'));
  async function session(refuse: CommandRefusal[] = []) {
    const backend = new SoftPivBackend({ serial: 9 });
    const card = new PivCard(backend, { refuse });
    const s = await PivSession.open({ transmit: (a: Uint8Array) => card.transmit(a) });
    await s.authenticate(new SoftwareManagementKey(DEFAULTS.MANAGEMENT_KEY));
    return { backend, s };
  }

  it('is left alone when the card has one naming PIV', async () => {
    const { s } = await session([{ ins: Ins.PUT_DATA, object: 0x7e, sw: 0x6a81 }]);
    expect(await ensureDiscovery(s, DISCOVERY)).toEqual({ outcome: 'skipped', details: { present: true } });
  });

  it('is written when the card has none, and a refused write is skipped with its status word', async () => {
    const missing = { ins: Ins.GET_DATA, object: 0x7e, sw: 0x6a82 };
    const a = await session([missing]);
    expect(await ensureDiscovery(a.s, DISCOVERY)).toEqual({ outcome: 'done', details: { written: true } });
    expect(await a.backend.getObject(0x7e)).toBeDefined();
    const b = await session([missing, { ins: Ins.PUT_DATA, object: 0x7e, sw: 0x6a81 }]);
    expect(await ensureDiscovery(b.s, DISCOVERY)).toEqual({ outcome: 'skipped', details: { written: false, sw: '6A81' } });
  });
});
