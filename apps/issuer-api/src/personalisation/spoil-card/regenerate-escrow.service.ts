import { Inject, Injectable } from '@nestjs/common';
import { GENERATED_ALGORITHMS } from '@scm/vsc';
import { CaService } from '../../pki/ca.service';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import type { Tx } from '../../platform/infra/unit-of-work';
import { randomPuk } from '../../issuance/requests/generate-keys/card-content';
import type { IssuanceRequest } from '../../issuance/requests/request-state-machine';
import { onCardSlots, slotByte, vscGeneratedSlots } from '../../issuance/profiles/card-profile';
import { type VscVersionView, VscEscrowService } from '../../issuance/vsc-escrow/vsc-escrow.service';
import { AttemptsService } from '../attempts.service';

const DAY_MS = 86_400_000;

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
    private readonly cas: CaService,
    private readonly attempts: AttemptsService,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  async regenerate(tx: Tx, row: IssuanceRequest, reason: string): Promise<VscVersionView & { revoked: string[] }> {
    const v = (await tx.em.query(`SELECT id FROM vsc WHERE request_id = $1 FOR UPDATE`, [row.id])) as Array<{ id: string }>;
    if (!v[0]) throw new Error(`request ${row.id} has no VSC`);
    const holder = (
      (await tx.em.query(`SELECT name, upn, email FROM cardholder WHERE id = $1`, [row.cardholderId])) as Array<{
        name: string;
        upn: string | null;
        email: string | null;
      }>
    )[0];
    const notAfter = (
      (await tx.em.query(`SELECT max(not_after) AS t FROM ca_certificate WHERE reference->>'requestId' = $1`, [row.id])) as Array<{
        t: Date | null;
      }>
    )[0]?.t;
    const slots = vscGeneratedSlots(row.profile);
    const revoked = await this.attempts.revokeCertificates(
      tx,
      row.id,
      'superseded',
      `the card of request ${row.id} was spoiled: ${reason}`,
      [...slots.map(([s]) => s), ...onCardSlots(row.profile).map(([s]) => s)],
    );
    const vsc = await this.vscs.openForRecovery(v[0].id, { escrowedOnly: true, tx });
    try {
      const keys = await Promise.all(
        slots.map(([slot, s]) => vsc.generateKey(slotByte(slot), GENERATED_ALGORITHMS[s.algorithm], { escrow: s.escrow })),
      );
      vsc.setCardPuk(randomPuk(row.profile.puk.length));
      const ca = await this.cas.ca();
      const expires = notAfter ?? new Date(tx.now.getTime() + row.profile.validityDays * DAY_MS);
      await this.cas.inTx(tx, async () => {
        for (const [i, [slot, s]] of slots.entries()) {
          const cert = await ca.issue({
            template: s.template,
            publicKey: keys[i].spki,
            subject: slot === '9e' ? undefined : { commonName: holder.name, organization: this.cfg.SCM_ORGANIZATION },
            identity: { cardUuid: vsc.id, upn: holder.upn ?? undefined, email: holder.email ?? undefined },
            validity: { notAfter: expires },
            reference: { requestId: row.id, vscId: vsc.id, slot },
          });
          vsc.putCertificate(cert.der, { slot: slotByte(slot) });
        }
      });
      await vsc.seal();
      const stored = await this.vscs.storeNextVersion(tx, vsc, `keys regenerated: ${reason}`.slice(0, 200));
      await this.vscs.commitEscrow(tx, vsc.id, stored.version);
      return { ...stored, revoked };
    } finally {
      vsc.close();
    }
  }
}
