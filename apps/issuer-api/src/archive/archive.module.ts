import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from '../trust/audit/audit.module';
import { CaModule } from '../pki/ca.module';
import { VscEscrowModule } from '../issuance/vsc-escrow/vsc-escrow.module';
import { ArchiveController } from './archive.controller';
import { ArchiveEnvironment } from './archive-environment';
import { ArchiveRecoveryService } from './archive-recovery.service';
import { ListVolumesHandler, ShowVolumeHandler } from './list-volumes/list-volumes.handler';
import { ReconcileArchiveHandler } from './reconcile-archive/reconcile-archive.handler';
import { ArchiveKeyService } from './rotate-key/archive-key.service';
import { SealVolumeHandler } from './seal-volume/seal-volume.handler';

/** Archive volumes: sealing (officers), listings and reconciliation (officers, auditors), and reading VSCs back for recovery. */
@Module({
  imports: [CqrsModule, CaModule, AuditModule, VscEscrowModule],
  controllers: [ArchiveController],
  providers: [
    ArchiveEnvironment,
    SealVolumeHandler,
    ListVolumesHandler,
    ShowVolumeHandler,
    ReconcileArchiveHandler,
    ArchiveRecoveryService,
    ArchiveKeyService,
  ],
  exports: [ArchiveRecoveryService],
})
export class ArchiveModule {}
