import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../trust/auth/access.decorator';
import { registry } from './metrics';

@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', registry.contentType)
  @ApiOperation({ summary: 'Prometheus metrics' })
  metrics(): Promise<string> {
    return registry.metrics();
  }
}
