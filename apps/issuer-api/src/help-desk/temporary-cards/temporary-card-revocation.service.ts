import { Inject, Injectable } from '@nestjs/common';
import { VSC_REPOSITORY, type VscRepository } from '../../issuance/vsc-escrow/vsc.repository';
import { CERTIFICATE_REPOSITORY, type CertificateRepository } from '../../pki/certificate.repository';
import { CertificateStatusService } from '../../pki/certificate-status.service';
import type { Tx } from '../../platform/infra/unit-of-work';
import { TEMPORARY_CARD_REPOSITORY, type TemporaryCard, type TemporaryCardRepository } from './temporary-card.repository';

/**
 * Ends a temporary card in the caller's transaction: revoked when the help desk says so, when the
 * card it stands in for is found, or when that card is replaced. Only the certificates made for
 * it are revoked (cessationOfOperation): the recovered 9D keys keep the certificates of the card
 * they came from. Its VSC is disabled, so its host stops at the next check.
 */
@Injectable()
export class TemporaryCardRevocation {
  constructor(
    @Inject(TEMPORARY_CARD_REPOSITORY) private readonly temporary: TemporaryCardRepository,
    @Inject(CERTIFICATE_REPOSITORY) private readonly issued: CertificateRepository,
    private readonly certificates: CertificateStatusService,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
  ) {}

  async revoke(tx: Tx, t: TemporaryCard, reason: string): Promise<void> {
    const why = reason.slice(0, 300);
    await this.temporary.update(tx, t.id, { state: 'revoked', closedAt: tx.now, closeReason: why });
    const certs = await this.issued.find({ temporaryCardId: t.id, statuses: ['valid', 'on-hold'] }, tx);
    for (const c of certs)
      await this.certificates.apply(
        tx,
        c.serial,
        { action: 'revoke', reason: 'cessationOfOperation' },
        `temporary card ${t.id} revoked: ${reason}`,
      );
    await this.vscs.patchState(tx, t.id, { status: 'disabled' });
    tx.audit({
      action: 'temporary-card.revoked',
      targetType: 'vsc',
      targetId: t.id,
      outcome: 'success',
      details: { reason: why, cardId: t.cardId, cardholderId: t.cardholderId, certificates: certs.map((c) => c.serial) },
    });
  }

  /** Revokes the cardholder's open temporary card (a leaver: docs/lifecycle.md); returns its id, if there was one. */
  async revokeOfCardholder(tx: Tx, cardholderId: string, reason: string): Promise<string[]> {
    const open = await this.temporary.openOf(cardholderId, tx);
    const t = open && (await this.temporary.lock(tx, open.id));
    if (!t || (t.state !== 'issued' && t.state !== 'active')) return [];
    await this.revoke(tx, t, reason);
    return [t.id];
  }

  /** Revokes the open temporary cards standing in for a card; returns their ids. */
  async revokeStandIns(tx: Tx, cardId: string, reason: string): Promise<string[]> {
    const standIns = await this.temporary.lockStandIns(tx, cardId);
    for (const t of standIns) await this.revoke(tx, t, reason);
    return standIns.map((t) => t.id);
  }
}
