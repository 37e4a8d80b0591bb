import { mapPcscError, PcscErrorCode } from './pcsc-errors';

describe('mapPcscError', () => {
  it.each([
    ['SCardTransmit error: Card was removed.(0x80100069)', PcscErrorCode.CardRemoved],
    ['SCardConnect error: Sharing violation.(0x8010000b)', PcscErrorCode.SharingViolation],
    ['SCardConnect error: Card protocol mismatch.(0x8010000f)', PcscErrorCode.ProtocolMismatch],
    ['SCardConnect error: Unknown reader specified.(0x80100009)', PcscErrorCode.ReaderGone],
    ['SCardEstablishContext error: Service not available.(0x8010001d)', PcscErrorCode.ServiceUnavailable],
    ['SCardConnect error: No smart card inserted.(0x8010000c)', PcscErrorCode.NoCard],
    ['SCardTransmit error: Command timeout.(0x8010000a)', PcscErrorCode.Timeout],
  ])('maps %s', (msg, code) => {
    const e = mapPcscError(new Error(msg), 'Virtual PCD 00 00');
    expect(e.code).toBe(code);
    expect(e.message).toMatch(/^Virtual PCD 00 00: /);
    expect(e.meta.reader).toBe('Virtual PCD 00 00');
  });

  it('keeps unknown failures as "other" with the original text', () => {
    const e = mapPcscError(new Error('something odd'));
    expect(e.code).toBe(PcscErrorCode.Other);
    expect(e.message).toContain('something odd');
  });
});
