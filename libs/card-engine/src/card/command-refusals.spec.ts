import { SW } from '@scm/apdu';
import { Ins } from '../piv.constants';
import { SoftPivBackend } from '../backend/soft-piv-backend';
import { dataObjectTag, refusalFor } from './command-refusals';
import { PivCard } from './piv-card';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/ /g, ''), 'hex'));

describe('command refusals (a card that refuses a given command)', () => {
  it('names the object of PUT DATA and GET DATA, Discovery written bare included', () => {
    expect(dataObjectTag(Ins.PUT_DATA, hex('5C 03 5F C1 02 53 00'))).toBe(0x5fc102);
    expect(dataObjectTag(Ins.GET_DATA, hex('5C 01 7E'))).toBe(0x7e);
    expect(dataObjectTag(Ins.PUT_DATA, hex('7E 00'))).toBe(0x7e);
    expect(dataObjectTag(Ins.IMPORT_KEY, hex('5C 01 7E'))).toBeUndefined();
  });

  it('matches on the instruction, the object and P2', () => {
    const rules = [
      { ins: Ins.PUT_DATA, object: 0x5fc102, sw: SW.WRONG_DATA },
      { ins: Ins.IMPORT_KEY, p2: 0x9d, sw: SW.CONDITIONS_NOT_SATISFIED },
    ];
    expect(refusalFor(rules, { ins: Ins.PUT_DATA, p2: 0xff, data: hex('5C 03 5F C1 02 53 00') })).toBe(SW.WRONG_DATA);
    expect(refusalFor(rules, { ins: Ins.PUT_DATA, p2: 0xff, data: hex('5C 03 5F C1 07 53 00') })).toBeUndefined();
    expect(refusalFor(rules, { ins: Ins.IMPORT_KEY, p2: 0x9d, data: hex('06 01 00') })).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(refusalFor(rules, { ins: Ins.IMPORT_KEY, p2: 0x9a, data: hex('06 01 00') })).toBeUndefined();
  });

  it('the card answers the refused command with the status word every time, and everything else as usual', async () => {
    const card = new PivCard(new SoftPivBackend({ serial: 7 }), { refuse: [{ ins: Ins.GET_DATA, object: 0x7e, sw: 0x6a81 }] });
    for (let i = 0; i < 2; i++) expect(Buffer.from(await card.transmit(hex('00 CB 3F FF 03 5C 01 7E 00'))).toString('hex')).toBe('6a81');
    expect(Buffer.from(await card.transmit(hex('00 CB 3F FF 05 5C 03 5F C1 02 00'))).toString('hex')).toBe('6a82');
  });
});
