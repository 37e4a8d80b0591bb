import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RecoveredKeyJson } from '@scm/db';
import { VSC_REPOSITORY, type VscRepository } from '../../../issuance/vsc-escrow/vsc.repository';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { UnitOfWork } from '../../../platform/infra/unit-of-work';
import { ApprovalsService } from '../../../trust/approvals/approvals.service';
import type { KeyRecoverySubject } from '../key-recovery-approval';
import { KEY_MANAGEMENT_SLOT, recoverableKeys } from '../../shared/derived-vsc';
import { EscrowSource } from '../../shared/escrow-source';
import { KEY_RECOVERY_REPOSITORY, type KeyRecoveryRepository } from '../key-recovery.repository';
import { KeyRecoveryError, KeyRecoveryErrorCode as E } from '../key-recovery-errors';
import { buildPkcs12, type Pkcs12Entry } from '../pkcs12';
import { passwordProblem } from '../pkcs12-password';
import { recoverySources } from '../recovery-sources';
import { DeliverRecoveredKeysCommand, type RecoveredKeys } from './deliver-recovered-keys.command';

/**
 * Data recovery (design.md, the recovery path): the current 9D key and every earlier one, from all
 * the cardholder's escrowed VSCs (each key once), opened through the recovery path and put in a
 * PKCS#12 built in memory under the officer's password. It is answered once and never stored;
 * the audit names the keys, never the keys or the password.
 */
@CommandHandler(DeliverRecoveredKeysCommand)
export class DeliverRecoveredKeysHandler implements ICommandHandler<DeliverRecoveredKeysCommand, RecoveredKeys> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly escrow: EscrowSource,
    @Inject(KEY_RECOVERY_REPOSITORY) private readonly recoveries: KeyRecoveryRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    @Inject(API_CONFIG) private readonly cfg: Partial<Pick<ApiConfig, 'SCM_APPROVAL_TTL_HOURS'>>,
    private readonly approvals: ApprovalsService,
  ) {}

  execute(c: DeliverRecoveredKeysCommand): Promise<RecoveredKeys> {
    return this.uow.run(c.actor, async (tx) => {
      const r = await this.recoveries.lock(tx, c.id);
      const denied = {
        action: 'key-recovery.delivered',
        targetType: 'cardholder',
        targetId: r?.cardholderId ?? null,
        details: { recoveryId: c.id },
      };
      if (!r) return tx.deny(new KeyRecoveryError(E.NotFound, `no approved key recovery ${c.id}`), denied);
      if (r.requestedBy !== c.officer.id)
        return tx.deny(new KeyRecoveryError(E.NotRequester, 'only the officer who asked for the recovery receives the keys'), denied);
      if (r.state !== 'approved')
        return tx.deny(
          new KeyRecoveryError(E.Delivered, `key recovery ${r.id} was delivered at ${r.deliveredAt?.toISOString()}; ask again`),
          denied,
        );
      // An approval is used soon or not at all: an approved recovery left unfetched expires.
      const ttlMs = (this.cfg.SCM_APPROVAL_TTL_HOURS ?? 24) * 3600_000;
      if (tx.now.getTime() - r.createdAt.getTime() > ttlMs)
        return tx.deny(
          new KeyRecoveryError(
            E.Expired,
            `key recovery ${r.id} was approved at ${r.createdAt.toISOString()} and not fetched in time; ask again`,
          ),
          denied,
        );
      const problem = passwordProblem(c.password);
      if (problem) return tx.deny(new KeyRecoveryError(E.Invalid, problem), denied);
      // Exactly the keys the officers approved (their certificates' serials), whatever exists now.
      const approved = new Set(((await this.approvals.get(tx, r.approvalId)).subject as Partial<KeyRecoverySubject>).serials ?? []);
      if (!approved.size) return tx.deny(new KeyRecoveryError(E.Invalid, 'the approval names no key; ask for the recovery again'), denied);
      const entries: Pkcs12Entry[] = [];
      const keys: RecoveredKeyJson[] = [];
      const seen = new Set<string>();
      try {
        for (const src of await recoverySources(this.recoveries, this.vscs, r.cardholderId, tx)) {
          const opened = await this.escrow.open(tx, src, 'escrow');
          try {
            for (const k of recoverableKeys(opened.vsc)) {
              if (seen.has(k.serial) || !approved.has(k.serial)) continue;
              seen.add(k.serial);
              const key = opened.vsc.exportPrivateKeyForIssuance(k.slot, { requestId: r.approvalId });
              const current = entries.length === 0 && k.slot === KEY_MANAGEMENT_SLOT;
              entries.push({
                pkcs8: key.export({ format: 'der', type: 'pkcs8' }),
                certificate: k.certificate,
                friendlyName: `${current ? 'current' : 'earlier'} key management ${k.serial}`,
              });
              keys.push({ vscId: src.vscId, slot: k.slot.toString(16), serial: k.serial });
            }
          } finally {
            opened.vsc.close();
          }
        }
        if (!entries.length) return tx.deny(new KeyRecoveryError(E.NoKeys, 'no escrowed key-management key to recover'), denied);
        const p12 = buildPkcs12(entries, c.password);
        await this.recoveries.delivered(tx, r.id, keys);
        tx.audit({
          action: 'key-recovery.delivered',
          targetType: 'cardholder',
          targetId: r.cardholderId,
          outcome: 'success',
          details: { recoveryId: r.id, approvalId: r.approvalId, keys, format: 'pkcs12' },
        });
        return { id: r.id, pkcs12: p12.toString('base64'), keys };
      } finally {
        for (const e of entries) e.pkcs8.fill(0);
      }
    });
  }
}
