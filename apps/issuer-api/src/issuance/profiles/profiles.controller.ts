import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../trust/auth/access.decorator';
import type { CardProfile } from './card-profile';
import { ProfilesService } from './profiles.service';

@ApiTags('profiles')
@ApiBearerAuth()
@Controller('api/v1/profiles')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get()
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'Card profiles: per slot algorithm, certificate template and escrow policy; PIN, PUK, management key' })
  list(): Promise<CardProfile[]> {
    return this.profiles.list();
  }

  @Get(':id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'One card profile' })
  get(@Param('id') id: string): Promise<CardProfile> {
    return this.profiles.get(id);
  }
}
