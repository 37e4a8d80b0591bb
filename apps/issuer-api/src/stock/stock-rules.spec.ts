import { StockErrorCode } from './stock-errors';
import { checkImport, stockState } from './stock-rules';

const KEY = '00112233445566778899aabbccddeeff0011223344556677';

describe('stock rules', () => {
  it('a stock card follows the card it became', () => {
    expect(stockState(undefined, false)).toBe('in-stock');
    expect(stockState({ state: 'personalising' }, false)).toBe('bound');
    expect(stockState({ state: 'issued' }, false)).toBe('issued');
    expect(stockState({ state: 'lost' }, false)).toBe('issued');
    expect(stockState({ state: 'spoiled' }, false)).toBe('spoiled');
    expect(stockState({ state: 'issued' }, true)).toBe('destroyed');
  });

  it('checks a manifest whole and names the first bad line', () => {
    const ok = checkImport({ name: 'acme-1', algorithm: 'aes192', cards: [{ serial: '1', transportKey: KEY }] });
    expect(ok).toMatchObject({ name: 'acme-1', algorithm: 'aes192', vendor: null, attestationRoot: null });
    expect(ok.cards[0].key.toString('hex')).toBe(KEY);
    const bad = (cards: Array<{ serial: string; transportKey: string }>, more: Record<string, string> = {}) => {
      try {
        checkImport({ name: 'acme-1', algorithm: 'aes192', cards, ...more });
      } catch (e) {
        return e as { code: string; message: string };
      }
      throw new Error('accepted');
    };
    expect(
      bad([
        { serial: '1', transportKey: KEY },
        { serial: '1', transportKey: KEY },
      ]),
    ).toMatchObject({
      code: StockErrorCode.InvalidManifest,
      message: 'card 2: serial 1 is listed twice',
    });
    expect(bad([{ serial: '1', transportKey: 'abcd' }]).message).toMatch(/card 1 \(1\): a aes192 transport key has 24 bytes, got 2/);
    expect(bad([{ serial: '1', transportKey: '010203040506070801020304050607080102030405060708' }]).message).toMatch(
      /well-known factory default/,
    );
    expect(bad([{ serial: 'x y', transportKey: KEY }]).message).toMatch(/serial "x y"/);
    expect(bad([]).message).toMatch(/no cards/);
    expect(bad([{ serial: '1', transportKey: KEY }], { name: 'factory-default' }).message).toMatch(/development batch/);
    expect(bad([{ serial: '1', transportKey: KEY }], { algorithm: 'des' }).message).toMatch(/algorithm/);
    expect(bad([{ serial: '1', transportKey: KEY }], { attestationRoot: 'not a certificate' }).message).toMatch(/attestation root/);
  });
});
