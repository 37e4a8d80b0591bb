import { Module } from '@nestjs/common';
import { WorkerChannel } from './worker-channel';
import { WorkersController } from './workers.controller';
import { WorkersService } from './workers.service';

@Module({ controllers: [WorkersController], providers: [WorkersService, WorkerChannel], exports: [WorkersService, WorkerChannel] })
export class WorkersModule {}
