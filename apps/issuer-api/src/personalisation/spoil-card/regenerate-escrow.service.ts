import { Injectable } from '@nestjs/common';
import { GENERATED_ALGORITHMS } from '@scm/vsc';
import { onCardSlots, slotByte, vscGeneratedSlots } from '../../issuance/profiles/card-profile';
import { randomPuk } from '../../issuance/requests/generate-keys/card-content';
import type { IssuanceRequest } from '../../issuance/requests/request.repository';
import { type VscVersionView, VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import type { Tx } from '../../platform/infra/unit-of-work';
import { CardCertificatesService } from '../card-certificates.service';

/**
 * Invariant 5's second half: before a request whose card was spoiled may take another card, the
 * keys that could be on the spoiled card are replaced. The escrowed VSC gets a new version — new
 * keys for every escrow and regenerate slot with new certificates, a new PUK — sealed and its
 * escrow committed in the caller's transaction; the earlier certificates (and those of keys the
 * spoiled card generated) are revoked as superseded. The VSC keeps its id, so the new card keeps
 * the request's GUID; its management key differs, being diversified from the new card's serial.
 */
@Injectable()
export class RegenerateEscrowService {
  constructor(
    private readonly vscs: VscEscrowService,
    private readonly certificates: CardCertificatesService,
  ) {}

  async regenerate(tx: Tx, request: IssuanceRequest, vscId: string, reason: string): Promise<VscVersionView & { revoked: string[] }> {
    const notAfter = await this.certificates.expiry(tx, request);
    const slots = vscGeneratedSlots(request.profile);
    const revoked = await this.certificates.revoke(
      tx,
      request.id,
      'superseded',
      `the card of request ${request.id} was spoiled: ${reason}`,
      [...slots.map(([s]) => s), ...onCardSlots(request.profile).map(([s]) => s)],
    );
    const vsc = await this.vscs.openForRecovery(vscId, { escrowedOnly: true, tx });
    try {
      const keys = await Promise.all(
        slots.map(([slot, s]) => vsc.generateKey(slotByte(slot), GENERATED_ALGORITHMS[s.algorithm], { escrow: s.escrow })),
      );
      vsc.setCardPuk(randomPuk(request.profile.puk.length));
      const certs = await this.certificates.issue(
        tx,
        request,
        vsc.id,
        slots.map(([slot, s], i) => ({ slot, template: s.template, spki: keys[i].spki })),
        notAfter,
      );
      for (const [i, [slot]] of slots.entries()) vsc.putCertificate(certs[i].der, { slot: slotByte(slot) });
      await vsc.seal();
      const stored = await this.vscs.storeNextVersion(tx, vsc, `keys regenerated: ${reason}`.slice(0, 200));
      await this.vscs.commitEscrow(tx, vsc.id, stored.version);
      return { ...stored, revoked };
    } finally {
      vsc.close();
    }
  }
}
