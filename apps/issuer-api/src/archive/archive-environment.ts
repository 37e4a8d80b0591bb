import { Inject, Injectable, Logger } from '@nestjs/common';
import { certifyArchiveKey, type SealEnvironment } from '@scm/archive';
import { resolve } from 'node:path';
import { AuditService } from '../trust/audit/audit.service';
import { CaService } from '../pki/ca.service';
import { API_CONFIG, type ApiConfig } from '../platform/config/api-config';
import type { HsmHandle } from '../platform/infra/infra.module';
import { HSM } from '../platform/infra/tokens';
import type { Tx } from '../platform/infra/unit-of-work';
import { ARCHIVE_REPOSITORY, type ArchiveRepository } from './archive.repository';

/** Builds what sealing needs inside one unit of work: the archive tables, the CA, the checkpoint key, the HSM. */
@Injectable()
export class ArchiveEnvironment {
  private readonly log = new Logger('Archive');

  constructor(
    @Inject(HSM) private readonly hsm: HsmHandle,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
    private readonly ca: CaService,
    private readonly audit: AuditService,
    @Inject(ARCHIVE_REPOSITORY) private readonly archives: ArchiveRepository,
  ) {}

  /** Where the API writes volumes: SCM_ARCHIVE_DIR (relative to the state directory unless absolute), or `<state dir>/archive`. */
  get directory(): string {
    return resolve(this.cfg.SCM_STATE_DIR, this.cfg.SCM_ARCHIVE_DIR || 'archive');
  }

  /** What sealing needs in this unit of work (sealing signs with the newest archive key version). */
  forTx(tx: Tx): SealEnvironment {
    const hsm = this.hsm.get();
    return {
      hsm,
      store: this.archives.sealingStore(tx),
      certify: (key) => this.ca.inTx(tx, async () => certifyArchiveKey(hsm, await this.ca.ca(tx), this.cfg.SCM_ORGANIZATION, key)),
      checkpointSigner: this.audit.signer,
      now: () => tx.now,
      audit: (facts) => tx.audit(facts),
      warn: (message) => this.log.warn(message),
    };
  }
}
