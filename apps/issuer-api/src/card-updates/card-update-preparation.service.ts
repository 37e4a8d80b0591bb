import { X509Certificate } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CardUpdateOperation } from '@scm/personalisation';
import { GENERATED_ALGORITHMS, type VirtualSmartCard } from '@scm/vsc';
import { KEY_HISTORY_OBJECT, writeIdentityObjects } from '../help-desk/shared/derived-vsc';
import { profileSlots, type ProfileSlot, slotByte } from '../issuance/profiles/card-profile';
import { CARD_OBJECT } from '../issuance/requests/generate-keys/card-content';
import type { IssuanceRequest } from '../issuance/requests/request.repository';
import { VscEscrowService } from '../issuance/vsc-escrow/vsc-escrow.service';
import { CardCertificatesService } from '../personalisation/card-certificates.service';
import { CaService } from '../pki/ca.service';
import type { Tx } from '../platform/infra/unit-of-work';
import type { CardUpdate } from './card-update.repository';
import { CardUpdateError, CardUpdateErrorCode } from './card-update-errors';
import { nextRetiredSlot, RETIRED_SLOT_FIRST, RETIRED_SLOT_LAST } from './card-update-rules';

const DAY_MS = 86_400_000;
const hex = (slot: number): string => slot.toString(16).padStart(2, '0');
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const serialOf = (der: Uint8Array): string => new X509Certificate(Buffer.from(der)).serialNumber.toLowerCase();

/** What an update's VSC version holds for the card, kept on the update row (public data only). */
export interface PreparedUpdate {
  operations: CardUpdateOperation[];
  /** Slots the card must prove after the update, with the certificate serial each must match (filled by certify for generated keys). */
  proofs: Array<{ slot: string; algorithm: string; certificateSerial: string }>;
  /** Slots whose escrowed private keys the worker imports (wrapped for it at each start). */
  imports: string[];
  /** Certificates revoked (superseded) once the card proved the new ones. */
  supersedes: string[];
  /** New certificate serials by slot. */
  issued: Record<string, string>;
  /** A rotated key-management key: the retired slot it moved to and its (still valid) certificate. */
  retired?: { slot: string; serial: string };
}

/**
 * Builds what an update writes: a new sealed VSC version, escrowed in the caller's transaction
 * before anything of it reaches the card (invariant 1), and the card operations that bring the card
 * to that version. Certificates are issued here (new ones stay valid beside the old until the card
 * proves them); keys the card generates itself are certified later, by the certify route.
 */
@Injectable()
export class CardUpdatePreparation {
  constructor(
    private readonly vscs: VscEscrowService,
    private readonly certificates: CardCertificatesService,
    private readonly cas: CaService,
  ) {}

  async prepare(tx: Tx, u: CardUpdate, request: IssuanceRequest, vscId: string): Promise<{ prepared: PreparedUpdate; vscVersion: number }> {
    const vsc = await this.vscs.openForRecovery(vscId, { escrowedOnly: true, tx });
    try {
      const p: PreparedUpdate = { operations: [], proofs: [], imports: [], supersedes: [], issued: {} };
      const expires = new Date(tx.now.getTime() + request.profile.validityDays * DAY_MS);
      let identity = false;
      if (u.kind === 'renew') {
        identity = true;
        await this.renew(tx, vsc, request, p, expires);
      } else if (u.kind === 'rekey') {
        identity = await this.rekey(tx, vsc, request, u.slot as ProfileSlot, p);
        if (!identity) return { prepared: p, vscVersion: vsc.version };
      } else {
        const tag = parseInt(u.objectTag!, 16);
        const existing = vsc.listObjects().find((o) => o.kind === 'data' && o.cardTag === tag);
        const name = existing?.name ?? `piv-object-${u.objectTag}`;
        vsc.putData({ name, area: 'public', value: u.objectValue!, cardTag: tag });
        p.operations.push({ op: 'object', tag, name, value: b64(u.objectValue!) });
      }
      if (identity) {
        // The CHUID carries the card's new end (renewal) and the Security Object signs it and Key History.
        const end = u.kind === 'renew' ? expires : ((await this.certificates.expiry(tx, request)) ?? expires);
        await writeIdentityObjects(vsc, await this.cas.contentSigner(tx), end, this.retiredSlots(vsc).length);
        for (const o of [CARD_OBJECT.chuid, KEY_HISTORY_OBJECT, CARD_OBJECT.securityObject]) {
          const obj = vsc.getObject(o.name);
          if (obj?.kind === 'data') p.operations.push({ op: 'object', tag: o.tag, name: o.name, value: b64(obj.value) });
        }
      }
      await vsc.seal();
      const stored = await this.vscs.storeNextVersion(tx, vsc, `card update ${u.id}: ${u.kind}${u.slot ? ` ${u.slot}` : ''}`);
      await this.vscs.commitEscrow(tx, vsc.id, stored.version);
      return { prepared: p, vscVersion: stored.version };
    } finally {
      vsc.close();
    }
  }

  private retiredSlots(vsc: VirtualSmartCard): number[] {
    const out: number[] = [];
    for (let s = RETIRED_SLOT_FIRST; s <= RETIRED_SLOT_LAST; s++) if (vsc.publicKey(s)) out.push(s);
    return out;
  }

  /** New certificates for the keys the card holds now, in every profile slot. */
  private async renew(tx: Tx, vsc: VirtualSmartCard, request: IssuanceRequest, p: PreparedUpdate, notAfter: Date): Promise<void> {
    const slots = profileSlots(request.profile).filter(([slot]) => vsc.certificate(slotByte(slot)));
    const certs = await this.certificates.issue(
      tx,
      request,
      vsc.id,
      slots.map(([slot, s]) => ({
        slot,
        template: s.template,
        spki: new X509Certificate(Buffer.from(vsc.certificate(slotByte(slot))!)).publicKey.export({ format: 'der', type: 'spki' }),
      })),
      notAfter,
    );
    for (const [i, [slot, s]] of slots.entries()) {
      p.supersedes.push(serialOf(vsc.certificate(slotByte(slot))!));
      vsc.putCertificate(certs[i].der, { slot: slotByte(slot) });
      p.operations.push({ op: 'certificate', slot, certificate: b64(certs[i].der) });
      p.proofs.push({ slot, algorithm: s.algorithm, certificateSerial: certs[i].serial });
      p.issued[slot] = certs[i].serial;
    }
  }

  /**
   * A new key for a slot. An escrowed key is made on the VSC (the key-management key's predecessor
   * moves to a retired slot with its certificate, announced by Key History); an on-card key is left
   * to the card (a `generate` operation). Returns whether the VSC changed now.
   */
  private async rekey(tx: Tx, vsc: VirtualSmartCard, request: IssuanceRequest, slot: ProfileSlot, p: PreparedUpdate): Promise<boolean> {
    const policy = profileSlots(request.profile).find(([s]) => s === slot)?.[1];
    const current = vsc.certificate(slotByte(slot));
    if (!policy || !current)
      throw new CardUpdateError(CardUpdateErrorCode.Invalid, `the card's profile has no key in slot ${slot}`, { slot });
    if (policy.escrow === 'on-card') {
      p.operations.push({ op: 'generate', slot, algorithm: policy.algorithm, previous: b64(current), certificate: null });
      p.proofs.push({ slot, algorithm: policy.algorithm, certificateSerial: '' });
      p.supersedes.push(serialOf(current));
      return false;
    }
    if (slot === '9d') {
      const to = nextRetiredSlot(this.retiredSlots(vsc));
      if (to === undefined) throw new CardUpdateError(CardUpdateErrorCode.Invalid, 'every retired slot (82–95) of the card is taken');
      vsc.importKey(to, vsc.exportPrivateKeyForIssuance(0x9d, { requestId: request.id }), { escrow: 'escrow' });
      vsc.putCertificate(current, { slot: to });
      const retired = hex(to);
      p.retired = { slot: retired, serial: serialOf(current) };
      p.imports.push(retired);
      p.operations.push({ op: 'import', slot: retired, algorithm: policy.algorithm });
      p.operations.push({ op: 'certificate', slot: retired, certificate: b64(current) });
      p.proofs.push({ slot: retired, algorithm: policy.algorithm, certificateSerial: serialOf(current) });
    } else {
      p.supersedes.push(serialOf(current));
    }
    const key = await vsc.generateKey(slotByte(slot), GENERATED_ALGORITHMS[policy.algorithm], { escrow: policy.escrow });
    const notAfter = await this.certificates.expiry(tx, request);
    const [cert] = await this.certificates.issue(tx, request, vsc.id, [{ slot, template: policy.template, spki: key.spki }], notAfter);
    vsc.putCertificate(cert.der, { slot: slotByte(slot) });
    p.imports.push(slot);
    p.operations.push({ op: 'import', slot, algorithm: policy.algorithm });
    p.operations.push({ op: 'certificate', slot, certificate: b64(cert.der) });
    p.proofs.push({ slot, algorithm: policy.algorithm, certificateSerial: cert.serial });
    p.issued[slot] = cert.serial;
    return true;
  }
}
