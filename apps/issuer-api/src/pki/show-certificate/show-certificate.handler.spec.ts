import { CaErrorCode } from '@scm/ca';
import { InMemoryCertificateRepository } from '../in-memory-certificate.repository';
import { ShowCertificateHandler } from './show-certificate.handler';
import { ShowCertificateQuery } from './show-certificate.query';

describe('ShowCertificateHandler', () => {
  const certs = new InMemoryCertificateRepository();
  certs.seed({ serial: '0a1b2c', subject: 'CN=Ada' });
  const handler = new ShowCertificateHandler(certs);

  it('finds a certificate by its serial in any spelling (case, colons, leading zero bytes)', async () => {
    for (const s of ['0a1b2c', '0A:1B:2C', '000a1b2c'])
      await expect(handler.execute(new ShowCertificateQuery(s))).resolves.toMatchObject({ serial: '0a1b2c', subject: 'CN=Ada' });
  });

  it('answers undefined for a serial that was never issued', async () => {
    await expect(handler.execute(new ShowCertificateQuery('ffff'))).resolves.toBeUndefined();
  });

  it('refuses what is not a serial number', async () => {
    await expect(handler.execute(new ShowCertificateQuery('not-hex'))).rejects.toMatchObject({ code: CaErrorCode.InvalidRequest });
  });
});
