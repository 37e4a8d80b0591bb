import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { Roles } from '../../trust/auth/access.decorator';
import { CardError, CardErrorCode } from './card-errors';
import { CARD_LIFECYCLE, type CardStateRule } from './card-lifecycle';

@ApiTags('cards')
@ApiBearerAuth()
@Controller('api/v1/cards')
export class CardsController {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  @Get('lifecycle')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'The card lifecycle: states, allowed transitions and their effect on certificates' })
  lifecycle(): Record<string, CardStateRule> {
    return CARD_LIFECYCLE;
  }

  @Get(':id')
  @Roles('security-officer', 'help-desk', 'auditor')
  @ApiOperation({ summary: 'A card: its state, binding and history' })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<Record<string, unknown>> {
    const rows = (await this.ds.query(
      `SELECT id, serial, state, cardholder_id, request_id, vsc_id, state_changed_at, created_at FROM card WHERE id = $1`,
      [id],
    )) as Array<Record<string, unknown>>;
    if (!rows[0]) throw new CardError(CardErrorCode.NotFound, `no card ${id}`);
    const history = (await this.ds.query(`SELECT from_state, to_state, at, actor, details FROM card_event WHERE card_id = $1 ORDER BY id`, [
      id,
    ])) as unknown[];
    return { ...rows[0], history };
  }
}
