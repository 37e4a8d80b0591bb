import { CaError, CaErrorCode } from '@scm/ca';
import { HsmError, HsmErrorCode } from '@scm/hsm';
import { VscError, VscErrorCode } from '@scm/vsc';
import { isHsmError, isPermanent } from './keygen-retry';

describe('key generation retries', () => {
  it('gives up at once on a bad request, keeps retrying set-up and infrastructure errors', () => {
    expect(isPermanent(new CaError(CaErrorCode.InvalidRequest, 'cardholder gone'))).toBe(true);
    expect(isPermanent(new CaError(CaErrorCode.GuidMismatch, 'guid'))).toBe(true);
    expect(isPermanent(new VscError(VscErrorCode.InvalidObject, 'bad object'))).toBe(true);
    expect(isPermanent(new VscError(VscErrorCode.UnknownKey, 'no KEK yet'))).toBe(false);
    expect(isPermanent(new HsmError(HsmErrorCode.Unavailable, 'away', {}))).toBe(false);
    expect(isPermanent(new Error('connection reset'))).toBe(false);
  });

  it('recognises HSM errors by their code', () => {
    expect(isHsmError(new HsmError(HsmErrorCode.Unavailable, 'away', {}))).toBe(true);
    expect(isHsmError(new CaError(CaErrorCode.InvalidRequest, 'x'))).toBe(false);
    expect(isHsmError(new Error('plain'))).toBe(false);
  });
});
