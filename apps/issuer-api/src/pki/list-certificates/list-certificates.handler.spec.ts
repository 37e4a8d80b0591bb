import { InMemoryCertificateRepository } from '../in-memory-certificate.repository';
import { ListCertificatesHandler } from './list-certificates.handler';
import { ListCertificatesQuery } from './list-certificates.query';

describe('ListCertificatesHandler', () => {
  const day = (d: number) => new Date(Date.UTC(2026, 11, d));
  const setup = () => {
    const certs = new InMemoryCertificateRepository();
    certs.seed({ serial: '03', createdAt: day(3), reference: { requestId: 'r1', slot: '9a' } });
    certs.seed({ serial: '01', createdAt: day(1), reference: { requestId: 'r1', slot: '9c' }, status: 'on-hold', revokedAt: day(2) });
    certs.seed({ serial: '02', createdAt: day(2), reference: { requestId: 'r2' }, status: 'revoked', reason: 'superseded' });
    return { certs, handler: new ListCertificatesHandler(certs) };
  };

  it('lists every certificate oldest first, as views with PEM and a hold shown as certificateHold', async () => {
    const { handler } = setup();
    const all = await handler.execute(new ListCertificatesQuery());
    expect(all.map((c) => c.serial)).toEqual(['01', '02', '03']);
    expect(all[0]).toMatchObject({
      caId: 'scm-issuing',
      status: 'on-hold',
      reason: 'certificateHold',
      revokedAt: day(2).toISOString(),
      notBefore: '2026-12-01T00:00:00.000Z',
      reference: { requestId: 'r1', slot: '9c' },
    });
    expect(all[0].pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(all[1]).toMatchObject({ status: 'revoked', reason: 'superseded' });
    expect(all[2]).toMatchObject({ status: 'valid', reason: null, revokedAt: null });
  });

  it('filters by issuance request and by status', async () => {
    const { handler } = setup();
    expect((await handler.execute(new ListCertificatesQuery({ requestId: 'r1' }))).map((c) => c.serial)).toEqual(['01', '03']);
    expect((await handler.execute(new ListCertificatesQuery({ status: 'revoked' }))).map((c) => c.serial)).toEqual(['02']);
    expect(await handler.execute(new ListCertificatesQuery({ requestId: 'r2', status: 'valid' }))).toEqual([]);
  });

  it('answers at most 500 by default and never more than 5000', async () => {
    const certs = new InMemoryCertificateRepository();
    for (let i = 0; i < 5001; i++) certs.seed({ serial: i.toString(16).padStart(4, '0') });
    const handler = new ListCertificatesHandler(certs);
    expect(await handler.execute(new ListCertificatesQuery())).toHaveLength(500);
    expect(await handler.execute(new ListCertificatesQuery({ limit: 2 }))).toHaveLength(2);
    expect(await handler.execute(new ListCertificatesQuery({ limit: 10_000 }))).toHaveLength(5000);
  });
});
