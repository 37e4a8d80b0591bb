import { Injectable } from '@nestjs/common';
import type { IssueCertificateRequest, IssuedCertificate } from '@scm/ca';
import type { VirtualSmartCard } from '@scm/vsc';
import { CaService } from '../../../pki/ca.service';
import type { TxScope } from '../../../platform/infra/unit-of-work';
import { writeCardObjects } from './card-content';
import type { KeygenAuthority } from './keygen-authority.port';

const DAY_MS = 86_400_000;

/** The issuing CA and the content signer of the API's HSM. */
@Injectable()
export class HsmKeygenAuthority implements KeygenAuthority {
  constructor(private readonly cas: CaService) {}

  async writeCardObjects(vsc: VirtualSmartCard, validityDays: number, now: Date): Promise<Date> {
    const signer = await this.cas.contentSigner();
    const ca = await this.cas.ca();
    const expires = new Date(
      Math.min(now.getTime() + validityDays * DAY_MS, ca.certificate.notAfter.getTime(), signer.certificate.notAfter.getTime()),
    );
    await writeCardObjects(vsc, signer, expires);
    return expires;
  }

  async issue(tx: TxScope, requests: readonly IssueCertificateRequest[]): Promise<IssuedCertificate[]> {
    const ca = await this.cas.ca(tx);
    // The CA signs in the HSM's session lanes in parallel; the rows share the transaction.
    return this.cas.inTx(tx, () => Promise.all(requests.map((r) => ca.issue(r))));
  }

  reset(): void {
    this.cas.reset();
  }
}
