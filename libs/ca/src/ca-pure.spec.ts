import { derOid } from './cms-signed-data';
import { InMemoryCaStore } from './in-memory-ca-store';
import { OID } from './oids';
import { canonicalUuid, templateForSlot } from './piv-templates';
import { normaliseSerial, randomSerial } from './serial-number';
import { CaErrorCode } from './ca-errors';

describe('CA pure helpers', () => {
  it('makes 16-byte positive serials without a leading zero byte', () => {
    for (let i = 0; i < 200; i++) {
      const s = randomSerial();
      expect(s).toMatch(/^[0-9a-f]{32}$/);
      expect(parseInt(s.slice(0, 2), 16)).toBeGreaterThan(0);
      expect(parseInt(s.slice(0, 2), 16)).toBeLessThan(0x80);
    }
    expect(normaliseSerial('00:7A:bc')).toBe('7abc');
    expect(normaliseSerial('abc')).toBe('0abc');
    expect(normaliseSerial('xyz')).toBe('');
  });

  it('maps PIV slots to templates, retired slots to key management', () => {
    expect(templateForSlot('9A')).toBe('piv-authentication');
    expect(templateForSlot('9c')).toBe('piv-digital-signature');
    expect(templateForSlot('9d')).toBe('piv-key-management');
    expect(templateForSlot('9e')).toBe('piv-card-authentication');
    expect(templateForSlot('82')).toBe('piv-key-management');
    expect(templateForSlot('95')).toBe('piv-key-management');
    expect(() => templateForSlot('96')).toThrow(expect.objectContaining({ code: CaErrorCode.InvalidRequest }));
    expect(() => templateForSlot('9b')).toThrow();
  });

  it('encodes OIDs in DER (vectors from openssl asn1parse -genstr OBJECT:...)', () => {
    expect(derOid(OID.pivChuidSecurityObject).toString('hex')).toBe('06086086480165030601');
    expect(derOid(OID.msUPN).toString('hex')).toBe('060a2b060104018237140203');
    expect(derOid(OID.icaoLdsSecurityObject).toString('hex')).toBe('0606678108010101');
  });

  it('canonicalises UUIDs and rejects others', () => {
    expect(canonicalUuid('URN:UUID:3F2504E0-4F89-11D3-9A0C-0305E82C3301')).toBe('3f2504e0-4f89-11d3-9a0c-0305e82c3301');
    expect(() => canonicalUuid('3f2504e04f8911d39a0c0305e82c3301')).toThrow();
  });

  it('changes certificate status only from the expected states, and numbers CRLs from 1', async () => {
    const store = new InMemoryCaStore();
    const rec = {
      caId: 'c',
      serial: '01',
      template: 't',
      subject: 's',
      notBefore: new Date(0),
      notAfter: new Date(8.64e15),
      der: Buffer.alloc(1),
      status: 'valid' as const,
    };
    await store.insertCertificate(rec);
    await expect(store.insertCertificate(rec)).rejects.toMatchObject({ code: CaErrorCode.StoreConflict });
    expect(await store.updateStatus('c', '01', ['on-hold'], { status: 'valid' })).toBeUndefined();
    expect((await store.updateStatus('c', '01', ['valid'], { status: 'on-hold', revokedAt: new Date() }))?.status).toBe('on-hold');
    expect(await store.listRevocations('c', new Date())).toHaveLength(1);
    expect([await store.nextCrlNumber('c'), await store.nextCrlNumber('c'), await store.nextCrlNumber('d')]).toEqual([1, 2, 1]);
  });
});
