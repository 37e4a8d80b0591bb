import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowedBeforePasswordChange, Authenticated } from '../access.decorator';
import { CurrentPrincipal, type Principal } from '../principal';

/** The guard already resolved the session; the answer is the principal it found, so there is no query. */
@ApiTags('auth')
@Controller('api/v1/auth')
export class WhoAmIController {
  @Get('me')
  @Authenticated()
  @AllowedBeforePasswordChange()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who this session belongs to' })
  me(@CurrentPrincipal() p: Principal): Principal {
    return p;
  }
}
