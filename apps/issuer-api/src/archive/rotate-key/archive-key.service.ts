import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ARCHIVE_KEY, certifyArchiveKey, currentArchiveKey, PgArchiveSource } from '@scm/archive';
import type { KeyRef } from '@scm/hsm';
import { ApprovalsService } from '../../trust/approvals/approvals.service';
import { CaService } from '../../pki/ca.service';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import type { HsmHandle } from '../../platform/infra/infra.module';
import { HSM } from '../../platform/infra/tokens';
import type { Tx } from '../../platform/infra/unit-of-work';

/**
 * Archive-key operations are dual-controlled: a rotation is requested by one officer and runs
 * once two others approve (kind "archive-key"). The old key stays for the volumes it signed.
 */
@Injectable()
export class ArchiveKeyService implements OnModuleInit {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly ca: CaService,
    @Inject(HSM) private readonly hsm: HsmHandle,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  onModuleInit(): void {
    this.approvals.register('archive-key', async (tx, req) => {
      const { to } = req.subject as { from: string; to: string };
      const ref: KeyRef = { label: ARCHIVE_KEY.label, version: Number(to.split('/')[1]) };
      const hsm = this.hsm.get();
      await hsm.createSigningKey(ref, 'P-256');
      const issued = await this.ca.inTx(tx, async () => certifyArchiveKey(hsm, await this.ca.ca(), this.cfg.SCM_ORGANIZATION, ref));
      await new PgArchiveSource(tx.em).saveSignerCertificates(to, issued.serial, issued.certificates, issued.notAfter, tx.now);
      tx.audit({
        action: 'archive.key-rotated',
        targetType: 'archive-key',
        targetId: to,
        outcome: 'success',
        details: { from: (req.subject as { from: string }).from, to, certificateSerial: issued.serial, approval: req.id },
      });
    });
  }

  /** Asks for a new archive key version; it is created when the approvals are in. */
  async requestRotation(tx: Tx, requestedBy: string): Promise<{ approvalId: string; from: string; to: string }> {
    const current = await currentArchiveKey(this.hsm.get());
    const from = `${current.label}/${current.version}`;
    const to = `${current.label}/${current.version + 1}`;
    const req = await this.approvals.request(tx, {
      kind: 'archive-key',
      subject: { action: 'rotate', from, to },
      approverRole: 'security-officer',
      requiredApprovals: 2,
      requestedBy,
    });
    tx.audit({
      action: 'archive.key-rotation-requested',
      targetType: 'archive-key',
      targetId: from,
      outcome: 'success',
      details: { to, approval: req.id },
    });
    return { approvalId: req.id, from, to };
  }
}
