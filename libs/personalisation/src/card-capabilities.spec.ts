import { cardCapabilitiesOf, missingCapabilities } from './card-capabilities';

const YUBIKEY_5 = '3BFD1300008131FE158073C021C057597562694B657940';
// The software card's --no-import ATR (historical bytes name "GenPIV1").
const GENERIC = '3B8D80018073C021C05747656E50495631BB';

describe('card capabilities (no write to the card)', () => {
  it('a YubiKey that answers GET VERSION imports keys', () => {
    const c = cardCapabilitiesOf(YUBIKEY_5, { version: '5.4.3' });
    expect(c).toMatchObject({ capabilities: ['import-key'], model: 'YubiKey 5.4.3' });
    expect(missingCapabilities(['import-key'], c)).toEqual([]);
    // A worker that did not probe: the ATR alone.
    expect(cardCapabilitiesOf(YUBIKEY_5).capabilities).toEqual(['import-key']);
  });

  it('a generic PIV card, or a "YubiKey" ATR that refuses GET VERSION, does not', () => {
    const g = cardCapabilitiesOf(GENERIC, { version: null });
    expect(g.capabilities).toEqual([]);
    expect(g.basis).toMatch(/no card known to import keys .*GET VERSION refused/);
    expect(missingCapabilities(['import-key'], g)).toEqual(['import-key']);
    expect(cardCapabilitiesOf(YUBIKEY_5, { version: null }).capabilities).toEqual([]);
    expect(missingCapabilities([], g)).toEqual([]);
  });

  it('a card with another ATR that answers GET VERSION (a YubiKey-compatible applet) imports keys; without a probe it is not trusted to', () => {
    const c = cardCapabilitiesOf(GENERIC, { version: '5.7.1' });
    expect(c.capabilities).toEqual(['import-key']);
    expect(c.basis).toMatch(/answers the Yubico GET VERSION \(5\.7\.1\)/);
    expect(cardCapabilitiesOf(GENERIC).capabilities).toEqual([]);
  });
});
