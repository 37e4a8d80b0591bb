import { createPublicKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaError, CaErrorCode } from '@scm/ca';
import { CaService } from '../../../pki/ca.service';
import { CertificateStatusService } from '../../../pki/certificate-status.service';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { Inject } from '@nestjs/common';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { onCardSlots, slotByte, type ProfileSlot } from '../../profiles/card-profile';
import { VscEscrowService } from '../../vsc-escrow/vsc-escrow.service';
import { IssuanceError, IssuanceErrorCode } from '../issuance-errors';
import { claimantProblem } from '../release-key-material/release-key-material.handler';
import { RequestStateMachine } from '../request-state-machine';
import { CertifyOnCardKeyCommand, type OnCardCertificate } from './certify-on-card-key.command';

const DAY_MS = 86_400_000;

/** The algorithm name of an SPKI as profiles spell it, or undefined. */
function algorithmOf(spki: Buffer): string | undefined {
  try {
    const k = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const d = k.asymmetricKeyDetails ?? {};
    if (k.asymmetricKeyType === 'rsa' && d.publicExponent === 65537n) return `rsa${d.modulusLength}`;
    if (k.asymmetricKeyType === 'ec') return d.namedCurve === 'prime256v1' ? 'p256' : d.namedCurve === 'secp384r1' ? 'p384' : undefined;
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Certifies a key a card generated in an on-card slot, for the worker that claimed the card of a
 * request being personalised. The VSC gets a new sealed version with the slot's public key and
 * certificate (never a private key). Sending the same key again returns the same certificate; a
 * new key for the slot supersedes (revokes) the earlier certificate.
 */
@CommandHandler(CertifyOnCardKeyCommand)
export class CertifyOnCardKeyHandler implements ICommandHandler<CertifyOnCardKeyCommand, OnCardCertificate> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly states: RequestStateMachine,
    private readonly cas: CaService,
    private readonly vscs: VscEscrowService,
    private readonly certificates: CertificateStatusService,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  execute(c: CertifyOnCardKeyCommand): Promise<OnCardCertificate> {
    return this.uow.run(c.actor, async (tx) => {
      const row = await this.states.lock(tx, c.requestId);
      const problem = await claimantProblem(tx, row, c.requestId, c.workerId, 'issuance-request.slot-certified');
      if (problem) return tx.refuse(problem);
      const r = row!;
      const slot = c.slot.toLowerCase() as ProfileSlot;
      const policy = onCardSlots(r.profile).find(([s]) => s === slot)?.[1];
      const wrong = (msg: string) => {
        tx.audit({
          action: 'issuance-request.slot-certified',
          targetType: 'issuance-request',
          targetId: r.id,
          outcome: 'denied',
          details: { slot, reason: msg },
        });
        return tx.refuse(new IssuanceError(IssuanceErrorCode.WrongSlot, msg, { requestId: r.id, slot }));
      };
      if (!policy) return wrong(`slot ${c.slot} is not generated on the card in profile ${r.profileId}`);
      const alg = algorithmOf(c.publicKey);
      if (alg !== policy.algorithm) return wrong(`slot ${slot} takes a ${policy.algorithm} key, got ${alg ?? 'an unsupported key'}`);

      const spki = Buffer.from(createPublicKey({ key: c.publicKey, format: 'der', type: 'spki' }).export({ format: 'der', type: 'spki' }));
      const earlier = (await tx.em.query(
        `SELECT serial, der, status FROM ca_certificate WHERE reference->>'requestId' = $1 AND reference->>'slot' = $2 AND status <> 'revoked' ORDER BY created_at`,
        [r.id, slot],
      )) as Array<{ serial: string; der: Buffer; status: string }>;
      const vscRow = (await tx.em.query(`SELECT id FROM vsc WHERE request_id = $1`, [r.id])) as Array<{ id: string }>;
      if (!vscRow[0]) throw new IssuanceError(IssuanceErrorCode.NotFound, `request ${r.id} has no VSC`);
      for (const e of earlier) {
        if (Buffer.from(new x509.X509Certificate(e.der).publicKey.rawData).equals(spki)) {
          const version = (
            (await tx.em.query(`SELECT current_version FROM vsc WHERE id = $1`, [vscRow[0].id])) as Array<{ current_version: number }>
          )[0].current_version;
          return {
            slot,
            serial: e.serial,
            certificate: e.der.toString('base64'),
            pem: x509.PemConverter.encode(e.der, 'CERTIFICATE'),
            vscVersion: version,
          };
        }
      }
      for (const e of earlier)
        await this.certificates.apply(
          tx,
          e.serial,
          { action: 'revoke', reason: 'superseded' },
          `slot ${slot} of request ${r.id} got a new on-card key`,
        );

      const holder = (
        (await tx.em.query(`SELECT name, upn, email FROM cardholder WHERE id = $1`, [r.cardholderId])) as Array<{
          name: string;
          upn: string | null;
          email: string | null;
        }>
      )[0];
      const notAfter = await this.cardExpiry(tx.em, r.id, r.profile.validityDays, tx.now);
      const vsc = await this.vscs.openForRecovery(vscRow[0].id, { escrowedOnly: true, tx });
      try {
        const ca = await this.cas.ca();
        const cert = await this.cas.inTx(tx, () =>
          ca.issue({
            template: policy.template,
            publicKey: spki,
            subject: slot === '9e' ? undefined : { commonName: holder.name, organization: this.cfg.SCM_ORGANIZATION },
            identity: { cardUuid: vsc.id, upn: holder.upn ?? undefined, email: holder.email ?? undefined },
            validity: { notAfter },
            reference: { requestId: r.id, vscId: vsc.id, slot },
          }),
        );
        vsc.putPublicKey(slotByte(slot), spki, { escrow: 'on-card' });
        vsc.putCertificate(cert.der, { slot: slotByte(slot) });
        await vsc.seal();
        const v = await this.vscs.storeNextVersion(tx, vsc, `certified on-card key ${slot}`);
        await this.vscs.commitEscrow(tx, vsc.id, v.version);
        tx.audit({
          action: 'issuance-request.slot-certified',
          targetType: 'issuance-request',
          targetId: r.id,
          outcome: 'success',
          details: {
            slot,
            serial: cert.serial,
            algorithm: alg,
            workerId: c.workerId,
            vscVersion: v.version,
            superseded: earlier.map((e) => e.serial),
          },
        });
        return { slot, serial: cert.serial, certificate: cert.der.toString('base64'), pem: cert.pem, vscVersion: v.version };
      } catch (e) {
        if (e instanceof CaError && e.code === CaErrorCode.InvalidRequest) return wrong(e.message);
        throw e;
      } finally {
        vsc.close();
      }
    });
  }

  /** On-card certificates end with the card's other certificates (the CHUID expiry), else after the profile's validity. */
  private async cardExpiry(
    em: { query(sql: string, p?: unknown[]): Promise<unknown> },
    requestId: string,
    days: number,
    now: Date,
  ): Promise<Date> {
    const rows = (await em.query(`SELECT max(not_after) AS t FROM ca_certificate WHERE reference->>'requestId' = $1`, [
      requestId,
    ])) as Array<{ t: Date | null }>;
    return rows[0]?.t ?? new Date(now.getTime() + days * DAY_MS);
  }
}
