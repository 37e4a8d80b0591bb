import { parseStockManifest } from './stock-manifest';

const KEY = '00112233445566778899aabbccddeeff0011223344556677';

describe('stock manifests', () => {
  it('reads the CSV form (header, comments, blank lines)', () => {
    const m = parseStockManifest(`# ACME delivery 42\nserial,transport_key\n10000001,${KEY}\n\n10000002 , ${KEY.toUpperCase()}\n`);
    expect(m).toEqual({
      cards: [
        { serial: '10000001', transportKey: KEY },
        { serial: '10000002', transportKey: KEY.toUpperCase() },
      ],
    });
  });

  it('reads the JSON form with its batch fields', () => {
    const m = parseStockManifest(
      JSON.stringify({ format: 'scm-stock-manifest/1', name: 'acme-42', algorithm: 'aes192', cards: [{ serial: '1', transportKey: KEY }] }),
    );
    expect(m).toEqual({ name: 'acme-42', algorithm: 'aes192', cards: [{ serial: '1', transportKey: KEY }] });
  });

  it('says what is wrong', () => {
    expect(() => parseStockManifest('serial,key\n1,00')).toThrow(/serial,transport_key/);
    expect(() => parseStockManifest('serial,transport_key\n1,')).toThrow(/line 2/);
    expect(() => parseStockManifest('{"cards": []}')).toThrow(/format/);
    expect(() => parseStockManifest('{"format": "scm-stock-manifest/1", "cards": [{"serial": 1}]}')).toThrow(/card 1/);
  });
});
