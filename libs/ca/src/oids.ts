/** Object identifiers of the PIV card profile (SP 800-73-4, SP 800-78-4, FIPS 201-3) and friends. */
export const OID = {
  msUPN: '1.3.6.1.4.1.311.20.2.3',
  smartcardLogon: '1.3.6.1.4.1.311.20.2.2',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  /** id-kp-documentSigning (RFC 9336): the archive signer's manifests and sidecars. */
  documentSigning: '1.3.6.1.5.5.7.3.36',
  /** id-PIV-cardAuth: the card authentication key (no PIN). */
  pivCardAuth: '2.16.840.1.101.3.6.8',
  /** id-PIV-content-signing: signs the CHUID and the Security Object. */
  pivContentSigning: '2.16.840.1.101.3.6.7',
  /** eContentType of the CHUID signature. */
  pivChuidSecurityObject: '2.16.840.1.101.3.6.1',
  /** Signed attribute naming the PIV signer when its certificate is not in the SignedData. */
  pivSignerDn: '2.16.840.1.101.3.6.5',
  /** ICAO LDS Security Object, the eContentType of the PIV Security Object (tag BB). */
  icaoLdsSecurityObject: '2.23.136.1.1.1',
  cmsSignedData: '1.2.840.113549.1.7.2',
  cmsContentType: '1.2.840.113549.1.9.3',
  cmsMessageDigest: '1.2.840.113549.1.9.4',
  cmsSigningTime: '1.2.840.113549.1.9.5',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
  /**
   * US Federal PKI Common Policy OIDs, for issuers cross-certified with it. Off by default: a
   * private PKI puts its own policy OIDs here (CaConfig.policies).
   */
  fpkiCommonHardware: '2.16.840.1.101.3.2.1.3.7',
  fpkiCommonAuthentication: '2.16.840.1.101.3.2.1.3.13',
  fpkiCommonCardAuth: '2.16.840.1.101.3.2.1.3.17',
  fpkiCommonPivContentSigning: '2.16.840.1.101.3.2.1.3.39',
} as const;
