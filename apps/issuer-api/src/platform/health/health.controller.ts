import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../trust/auth/access.decorator';
import type { Response } from 'express';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { type HealthReport, HealthService } from './health.service';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthService,
    @Inject(API_CONFIG) private readonly cfg: Pick<ApiConfig, 'SCM_SEPARATION_OF_DUTIES'>,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Readiness: PostgreSQL, Redis and HSM; 503 when any is down. Also says whether separation of duties is relaxed.',
  })
  async get(@Res({ passthrough: true }) res: Response): Promise<HealthReport & { policy: { separationOfDuties: string } }> {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? 200 : 503);
    // A lab that relaxed separation of duties says so wherever anyone looks.
    return { ...report, policy: { separationOfDuties: this.cfg.SCM_SEPARATION_OF_DUTIES } };
  }
}
