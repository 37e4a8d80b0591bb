import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs it loaded first
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { attestedSerial } from './attestation-rules';

/** The first frame of a corpus input (u16 length, then the slot's attestation certificate). */
function corpusCertificate(): Buffer {
  const b = readFileSync(join(__dirname, '..', '..', '..', '..', 'fuzz', 'corpus', 'attestation-chain', 'peculiar-name-schema.bin'));
  return b.subarray(2, 2 + b.readUInt16BE(0));
}

describe('attestedSerial', () => {
  it('is "no serial" for a certificate node:crypto reads and @peculiar/x509 does not (fuzz/corpus/attestation-chain)', () => {
    const der = corpusCertificate();
    expect(() => new X509Certificate(der)).not.toThrow();
    expect(attestedSerial(der)).toBeUndefined();
  });

  it('is "no serial" for bytes that are no certificate at all', () => {
    expect(attestedSerial(Buffer.from('3003020101', 'hex'))).toBeUndefined();
  });
});
