import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from '../trust/audit/audit.module';
import { CaModule } from '../pki/ca.module';
import { VscEscrowModule } from '../issuance/vsc-escrow/vsc-escrow.module';
import { ArchiveEnvironment } from './archive-environment';
import { ArchiveKeyService } from './archive-key.service';
import { ArchiveRecoveryService } from './archive-recovery.service';
import { ARCHIVE_REPOSITORY } from './archive.repository';
import { PgArchiveRepository } from './pg-archive.repository';
import { ListVolumesController } from './list-volumes/list-volumes.controller';
import { ListVolumesHandler } from './list-volumes/list-volumes.handler';
import { ReconcileArchiveController } from './reconcile-archive/reconcile-archive.controller';
import { ReconcileArchiveHandler } from './reconcile-archive/reconcile-archive.handler';
import { RotateKeyController } from './rotate-key/rotate-key.controller';
import { RotateKeyHandler } from './rotate-key/rotate-key.handler';
import { SealVolumeController } from './seal-volume/seal-volume.controller';
import { SealVolumeHandler } from './seal-volume/seal-volume.handler';
import { ShowVolumeController } from './show-volume/show-volume.controller';
import { ShowVolumeHandler } from './show-volume/show-volume.handler';

/** Archive volumes: sealing (officers), listings and reconciliation (officers, auditors), and reading VSCs back for recovery. */
@Module({
  imports: [CqrsModule, CaModule, AuditModule, VscEscrowModule],
  controllers: [SealVolumeController, ListVolumesController, ShowVolumeController, ReconcileArchiveController, RotateKeyController],
  providers: [
    { provide: ARCHIVE_REPOSITORY, useClass: PgArchiveRepository },
    ArchiveEnvironment,
    ArchiveRecoveryService,
    ArchiveKeyService,
    SealVolumeHandler,
    ListVolumesHandler,
    ShowVolumeHandler,
    ReconcileArchiveHandler,
    RotateKeyHandler,
  ],
  exports: [ArchiveRecoveryService],
})
export class ArchiveModule {}
