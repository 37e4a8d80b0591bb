import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ARCHIVE_KEY, certifyArchiveKey } from '@scm/archive';
import type { ApprovalRequestEntity } from '@scm/db';
import type { KeyRef } from '@scm/hsm';
import { CaService } from '../pki/ca.service';
import { API_CONFIG, type ApiConfig } from '../platform/config/api-config';
import type { HsmHandle } from '../platform/infra/infra.module';
import { HSM } from '../platform/infra/tokens';
import type { Tx } from '../platform/infra/unit-of-work';
import { ApprovalsService } from '../trust/approvals/approvals.service';
import { ARCHIVE_REPOSITORY, type ArchiveRepository } from './archive.repository';

/** The approval kind of an archive key rotation. */
export const ARCHIVE_KEY_APPROVAL = 'archive-key';

/**
 * Runs an approved archive key rotation (dual control, kind "archive-key"): the next key version
 * is created in the HSM, the issuing CA certifies it, and its chain is kept for sealing. The old
 * version stays for the volumes it signed; sealing moves to the new one (libs/archive picks the newest).
 */
@Injectable()
export class ArchiveKeyService implements OnModuleInit {
  constructor(
    private readonly approvals: ApprovalsService,
    private readonly ca: CaService,
    @Inject(ARCHIVE_REPOSITORY) private readonly archives: ArchiveRepository,
    @Inject(HSM) private readonly hsm: HsmHandle,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  onModuleInit(): void {
    this.approvals.register(ARCHIVE_KEY_APPROVAL, (tx, req) => this.rotate(tx, req));
  }

  /** Creates and certifies the key version an approved request names (`subject.to`, e.g. scm-archive/2). */
  async rotate(tx: Tx, req: ApprovalRequestEntity): Promise<void> {
    const { from, to } = req.subject as { from: string; to: string };
    const ref: KeyRef = { label: ARCHIVE_KEY.label, version: Number(to.split('/')[1]) };
    const hsm = this.hsm.get();
    await hsm.createSigningKey(ref, 'P-256');
    const issued = await this.ca.inTx(tx, async () => certifyArchiveKey(hsm, await this.ca.ca(tx), this.cfg.SCM_ORGANIZATION, ref));
    await this.archives.saveSignerCertificates(tx, to, issued.serial, issued.certificates, issued.notAfter);
    tx.audit({
      action: 'archive.key-rotated',
      targetType: 'archive-key',
      targetId: to,
      outcome: 'success',
      details: { from, to, certificateSerial: issued.serial, approval: req.id },
    });
  }
}
