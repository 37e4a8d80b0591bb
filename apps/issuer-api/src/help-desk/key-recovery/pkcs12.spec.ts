import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pemBlocks } from '@scm/common';
import { buildPkcs12 } from './pkcs12';

/** A self-signed certificate for a key, made by openssl (the builder only carries DER). */
function selfSigned(dir: string, name: string, pkcs8Pem: string): Buffer {
  writeFileSync(join(dir, `${name}.key`), pkcs8Pem);
  execFileSync(
    'openssl',
    ['req', '-new', '-x509', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-days', '2', '-outform', 'DER', '-out', `${name}.der`],
    {
      cwd: dir,
    },
  );
  return Buffer.from(execFileSync('openssl', ['x509', '-inform', 'DER', '-in', `${name}.der`, '-outform', 'DER'], { cwd: dir }));
}

describe('buildPkcs12', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'scm-p12-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds several keys (RSA and EC) with their certificates; openssl opens it with the password and not without', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const entries = [
      { key: rsa.privateKey, name: 'current' },
      { key: ec.privateKey, name: 'retired' },
    ].map(({ key, name }) => {
      const pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
      return { pkcs8: key.export({ format: 'der', type: 'pkcs8' }), certificate: selfSigned(dir, name, pem), friendlyName: `9D ${name}` };
    });
    const p12 = buildPkcs12(entries, 'a long recovery passphrase', { iterations: 2048 });
    writeFileSync(join(dir, 'keys.p12'), p12);
    const out = execFileSync('openssl', ['pkcs12', '-in', 'keys.p12', '-passin', 'pass:a long recovery passphrase', '-nodes'], {
      cwd: dir,
    }).toString();
    const keys = pemBlocks(out, 'PRIVATE KEY');
    expect(keys).toHaveLength(2);
    expect(pemBlocks(out, 'CERTIFICATE')).toHaveLength(2);
    expect(out).toContain('friendlyName: 9D current');
    expect(out).toContain('friendlyName: 9D retired');
    // The keys inside are the keys that went in (compared through their public halves).
    const pubs = keys.map((k) => execFileSync('openssl', ['pkey', '-pubout'], { input: k }).toString());
    expect(pubs).toEqual(
      expect.arrayContaining(
        entries.map((e) => new X509Certificate(e.certificate).publicKey.export({ format: 'pem', type: 'spki' }).toString()),
      ),
    );
    expect(() =>
      execFileSync('openssl', ['pkcs12', '-in', 'keys.p12', '-passin', 'pass:wrong', '-nodes'], { cwd: dir, stdio: 'pipe' }),
    ).toThrow();
  });
});
