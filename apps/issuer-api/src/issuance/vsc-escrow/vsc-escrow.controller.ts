import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import { VscEscrowService, type VscView } from './vsc-escrow.service';

@ApiTags('vsc')
@ApiBearerAuth()
@Controller('api/v1/vscs')
export class VscEscrowController {
  constructor(private readonly vscs: VscEscrowService) {}

  @Get(':id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'A managed VSC: its state and its sealed versions (hashes, HSM keys, escrow time; never content)' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<VscView> {
    return this.vscs.view(id);
  }
}
