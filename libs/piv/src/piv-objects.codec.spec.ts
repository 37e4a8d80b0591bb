import { gzipSync } from 'node:zlib';
import { encodeTlv, fromHex, toHex } from '@scm/apdu';
import {
  decodeCcc,
  decodeCertificateObject,
  decodeChuid,
  decodeDiscovery,
  decodeKeyHistory,
  decodePrintedInfo,
  encodeCcc,
  encodeCertificateObject,
  encodeChuid,
  encodeDiscovery,
  encodeKeyHistory,
  encodePrintedInfo,
  guidToUuid,
  uuidToGuid,
} from './piv-objects.codec';
import { PivError } from './piv-errors';

describe('PIV object codecs', () => {
  it('certificate container: plain and gzip, 71 bit 0x01 or 0x80 means compressed', () => {
    const der = fromHex('3082010A0201');
    expect(toHex(encodeCertificateObject(der))).toBe('70063082010A0201710100FE00');
    expect(decodeCertificateObject(encodeCertificateObject(der, { compress: true }))).toEqual({ der, compressed: true });
    const z = new Uint8Array(gzipSync(der));
    expect(decodeCertificateObject(Uint8Array.from([...encodeTlv(0x70, z), 0x71, 0x01, 0x80])).der).toEqual(der);
  });

  it('refuses a gzip bomb and junk as a bad object', () => {
    const bomb = new Uint8Array(gzipSync(new Uint8Array(1 << 20)));
    expect(() => decodeCertificateObject(Uint8Array.from([...encodeTlv(0x70, bomb), 0x71, 0x01, 0x01]))).toThrow(PivError);
    expect(() => decodeCertificateObject(fromHex('7005AA'))).toThrow('certificate object is malformed');
    expect(() => decodeCertificateObject(fromHex('710100'))).toThrow('no 70');
  });

  it('CHUID in SP 800-73-4 order with ykpiv FASC-N, round trip', () => {
    const guid = uuidToGuid('00112233-4455-6677-8899-aabbccddeeff');
    const c = encodeChuid({ guid, expiry: '20300101' });
    expect(toHex(c)).toBe(
      '3019D4E739DA739CED39CE739D836858210842108421C84210C3EB341000112233445566778899AABBCCDDEEFF350832303330303130313E00FE00',
    );
    expect(guidToUuid(decodeChuid(c).guid)).toBe('00112233-4455-6677-8899-aabbccddeeff');
    expect(() => encodeChuid({ guid: new Uint8Array(15) })).toThrow('16 bytes');
    expect(() => decodeChuid(fromHex('3000'))).toThrow('GUID');
  });

  it('CCC as ykpiv lays it out (51 bytes)', () => {
    const c = encodeCcc(new Uint8Array(14).fill(0xee));
    expect(c.length).toBe(0x33);
    expect(toHex(c.subarray(0, 9))).toBe('F015A000000116FF02');
    expect(decodeCcc(c).tlvs.map((t) => t.tag)).toEqual([0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe]);
  });

  it('Key History, Printed Information, Discovery', () => {
    expect(toHex(encodeKeyHistory({ onCard: 3, offCard: 0 }))).toBe('C10103C20100FE00');
    expect(decodeKeyHistory(encodeKeyHistory({ onCard: 1, offCard: 2, url: 'http://x' }))).toEqual({
      onCard: 1,
      offCard: 2,
      url: 'http://x',
    });
    expect(() => encodeKeyHistory({ onCard: 21, offCard: 0 })).toThrow('0..20');
    expect(decodePrintedInfo(encodePrintedInfo({ name: 'Ada', orgLine1: 'SCM' }))).toEqual({ name: 'Ada', orgLine1: 'SCM' });
    expect(toHex(encodeDiscovery())).toBe('7E124F0BA0000003080000100001005F2F024000');
    expect(decodeDiscovery(encodeDiscovery().subarray(2)).pinPolicy).toEqual(Uint8Array.of(0x40, 0));
  });
});
