import { Controller, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import type { PublishedCrl } from '../crl-publisher.service';
import { PublishCrlCommand } from './publish-crl.command';

@ApiTags('certificates')
@ApiBearerAuth()
@Controller('api/v1')
export class PublishCrlController {
  constructor(private readonly commands: CommandBus) {}

  @Post('crls/:caId/publish')
  @Roles('security-officer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign and publish a new CRL of a CA now' })
  async publish(@Param('caId') caId: string): Promise<PublishedCrl> {
    const crl = await this.commands.execute(new PublishCrlCommand(caId));
    if (!crl) throw new NotFoundException(`no CA "${caId}" whose key is in this HSM`);
    return crl;
  }
}
