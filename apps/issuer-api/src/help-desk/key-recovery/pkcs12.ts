import forge from 'node-forge';

/** One recovered key for the PKCS#12: PKCS#8 DER, its certificate (DER) and a name shown by the importing software. */
export interface Pkcs12Entry {
  pkcs8: Buffer;
  certificate: Buffer;
  friendlyName: string;
}

const { asn1, pki } = forge;
const seq = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const set = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
const oid = (o: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
const octets = (bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
const explicit0 = (inner: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [inner]);
const der = (a: forge.asn1.Asn1) => asn1.toDer(a).getBytes();
const binary = (b: Buffer) => b.toString('binary');

/** PKCS#7 data ContentInfo around DER bytes. */
const dataInfo = (bytes: string) => seq([oid(pki.oids.data), explicit0(octets(bytes))]);

function attributes(localKeyId: string, friendlyName: string): forge.asn1.Asn1 {
  return set([
    seq([oid(pki.oids.localKeyId), set([octets(localKeyId)])]),
    seq([oid(pki.oids.friendlyName), set([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, friendlyName)])]),
  ]);
}

/**
 * A password-protected PKCS#12 holding several key pairs (node-forge's own builder takes one RSA
 * key). Each private key goes in a pkcs8ShroudedKeyBag (PBES2: PBKDF2-HMAC-SHA-256, AES-256-CBC)
 * and each certificate in a certBag, paired by localKeyId; the whole is MACed (HMAC-SHA-1 under
 * the PKCS#12 KDF, what every reader accepts). The keys are taken as PKCS#8 and the certificates
 * as DER, so EC keys go in as well as RSA. OpenSSL, NSS and Windows open it.
 */
export function buildPkcs12(entries: readonly Pkcs12Entry[], password: string, opts: { iterations?: number } = {}): Buffer {
  const count = opts.iterations ?? 20_000;
  const certBags: forge.asn1.Asn1[] = [];
  const keyBags: forge.asn1.Asn1[] = [];
  for (const e of entries) {
    const md = forge.md.sha1.create();
    md.update(binary(e.certificate));
    const localKeyId = md.digest().getBytes();
    const attrs = attributes(localKeyId, e.friendlyName);
    certBags.push(
      seq([oid(pki.oids.certBag), explicit0(seq([oid(pki.oids.x509Certificate), explicit0(octets(binary(e.certificate)))])), attrs]),
    );
    const info = asn1.fromDer(binary(e.pkcs8));
    const encrypted = pki.encryptPrivateKeyInfo(info, password, {
      algorithm: 'aes256',
      count,
      saltSize: 16,
      prfAlgorithm: 'sha256',
    } as never);
    keyBags.push(seq([oid(pki.oids.pkcs8ShroudedKeyBag), explicit0(encrypted), attributes(localKeyId, e.friendlyName)]));
  }
  const safe = seq([dataInfo(der(seq(certBags))), dataInfo(der(seq(keyBags)))]);
  const macSalt = forge.random.getBytesSync(16);
  const macKey = forge.pkcs12.generateKey(password, forge.util.createBuffer(macSalt), 3, count, 20);
  const hmac = forge.hmac.create();
  hmac.start('sha1', macKey);
  hmac.update(der(safe));
  const macData = seq([
    seq([seq([oid(pki.oids.sha1), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]), octets(hmac.digest().getBytes())]),
    octets(macSalt),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(count).getBytes()),
  ]);
  const pfx = seq([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()),
    dataInfo(der(safe)),
    macData,
  ]);
  return Buffer.from(der(pfx), 'binary');
}
