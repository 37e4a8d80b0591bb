import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { LOGGER } from '../../platform/infra/tokens';
import { WorkerOnly } from '../../trust/auth/access.decorator';
import { type Actor, CurrentActor, CurrentPrincipal, type Principal } from '../../trust/auth/principal';
import { type PersonalisationPackage, ReleaseKeyMaterialCommand } from '../release-key-material/release-key-material.command';
import { callingWorker } from '../worker-principal';
import { ClaimCardCommand, type ClaimView } from './claim-card.command';
import { ClaimDto } from './claim-card.dto';

@ApiTags('worker')
@ApiBearerAuth()
@Controller('api/v1/worker')
export class ClaimCardController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(LOGGER) private readonly log: Pick<Logger, 'warn'>,
  ) {}

  @Post('personalisation/claims')
  @WorkerOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim the card in a reader for the request the API leased this worker (or resume on the card bound to it)' })
  async claim(@Body() dto: ClaimDto, @CurrentPrincipal() p: Principal, @CurrentActor() actor: Actor): Promise<ClaimView> {
    const w = callingWorker(p);
    const claim = await this.commands.execute<ClaimCardCommand, ClaimView>(
      new ClaimCardCommand(
        dto.requestId,
        w.id,
        w.workstation,
        { serial: dto.serial, atr: dto.atr.toUpperCase(), guid: dto.guid, ...(dto.probe ? { probe: { version: dto.probe.version } } : {}) },
        actor,
        dto.proof ? { proofId: dto.proof.proofId, response: Buffer.from(dto.proof.response, 'base64') } : undefined,
      ),
    );
    if (!dto.withPackage) return claim;
    // The package the worker fetches next, in the same round trip: the same command, checks and
    // audit as GET …/personalisation, after the claim committed. The claim stands either way; when
    // the release fails the worker asks for the package again and gets the reason.
    const pkg = await this.commands
      .execute<ReleaseKeyMaterialCommand, PersonalisationPackage>(new ReleaseKeyMaterialCommand(claim.requestId, w.id, actor))
      .catch((e: unknown) => {
        const err = e as { code?: string; message?: string };
        this.log.warn(
          { requestId: claim.requestId, worker: w.id, code: err.code ?? 'internal', err: err.message },
          'claimed, but the package could not be released with the claim; the worker asks for it again',
        );
        return undefined;
      });
    return pkg ? { ...claim, package: pkg } : claim;
  }
}
