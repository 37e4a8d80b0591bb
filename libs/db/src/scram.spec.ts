import { scramSha256Verifier } from './scram';

describe('scramSha256Verifier', () => {
  it('matches the verifier PostgreSQL computes for the same password and salt', () => {
    // pg_authid.rolpassword after CREATE ROLE t LOGIN PASSWORD 'pencil' on PostgreSQL 15
    // (password_encryption = scram-sha-256); recomputed here from its salt.
    const fromPostgres =
      'SCRAM-SHA-256$4096:Gl8/A03ZT3Y6bI2QV1CAdw==$N9eIWNlzuC26uswO8qiQPruUVD61mwBZZHChBu0B464=:qOweYULJB7klhrhRKEUAAuie4i7KWihQPw0Ry1B+pYo=';
    expect(scramSha256Verifier('pencil', Buffer.from('Gl8/A03ZT3Y6bI2QV1CAdw==', 'base64'))).toBe(fromPostgres);
  });

  it('uses a new salt each time and refuses passwords that would need SASLprep', () => {
    expect(scramSha256Verifier('same password')).not.toBe(scramSha256Verifier('same password'));
    expect(() => scramSha256Verifier('pässword')).toThrow(/printable ASCII/);
    expect(() => scramSha256Verifier('')).toThrow(/printable ASCII/);
  });
});
