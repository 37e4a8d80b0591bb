import { Module } from '@nestjs/common';
import { ArchiveModule } from '../../archive/archive.module';
import { EscrowSource } from '../shared/escrow-source';
import { VscEscrowModule } from '../../issuance/vsc-escrow/vsc-escrow.module';
import { KeyRecoveryController } from './key-recovery.controller';
import { KeyRecoveryService } from './key-recovery.service';

/** Recovery of escrowed decryption keys for data recovery, under dual control. */
@Module({ imports: [VscEscrowModule, ArchiveModule], controllers: [KeyRecoveryController], providers: [KeyRecoveryService, EscrowSource] })
export class KeyRecoveryModule {}
