import { Injectable } from '@nestjs/common';
import type { HsmCertificateAuthority, PivContentSigner } from '@scm/ca';
import type { VirtualSmartCard } from '@scm/vsc';
import { CaService } from '../../pki/ca.service';
import type { Tx } from '../../platform/infra/unit-of-work';
import { type DerivedVscPlan, type DerivedVscResult, fillDerivedVsc } from './derived-vsc';

const DAY_MS = 86_400_000;

/**
 * The issuing side of a VSC derived from escrow: certificates from the issuing CA, recorded in the
 * caller's transaction, and identity objects signed by the PIV content signer (both in the HSM).
 */
@Injectable()
export class DerivedVscIssuer {
  constructor(private readonly cas: CaService) {}

  /** `days` after the transaction's time, or earlier when the issuing CA's or the content signer's certificate ends first. */
  async latestExpiry(tx: Tx, days: number): Promise<Date> {
    const { ca, signer } = await this.open(tx);
    return new Date(Math.min(tx.now.getTime() + days * DAY_MS, ca.certificate.notAfter.getTime(), signer.certificate.notAfter.getTime()));
  }

  /** Fills `vsc` from the opened source as the plan says (see fillDerivedVsc); the caller seals and stores it. */
  async fill(tx: Tx, vsc: VirtualSmartCard, src: VirtualSmartCard, plan: DerivedVscPlan): Promise<DerivedVscResult> {
    const { ca, signer } = await this.open(tx);
    return this.cas.inTx(tx, () => fillDerivedVsc(vsc, src, plan, { ca, signer }));
  }

  /**
   * Opens both on the caller's transaction, in parallel. Waits for both before failing: an opening
   * left running would read on the transaction after it rolled back, and a later unit of work that
   * shares the cached opening would inherit that failure.
   */
  private async open(tx: Tx): Promise<{ ca: HsmCertificateAuthority; signer: PivContentSigner }> {
    const [ca, signer] = await Promise.allSettled([this.cas.ca(tx), this.cas.contentSigner(tx)]);
    if (ca.status === 'rejected') throw ca.reason;
    if (signer.status === 'rejected') throw signer.reason;
    return { ca: ca.value, signer: signer.value };
  }
}
