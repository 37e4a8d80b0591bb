import { StatusWordError } from '@scm/apdu';
import { NoKeyError, NotAuthorizedError, PivError, PivErrorCode } from '@scm/piv';
import { PcscError, PcscErrorCode } from '@scm/pcsc';
import { cardRefusal } from './card-personaliser';

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
