import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuditRecord, rowToRecord, type VerifyReport } from '@scm/audit';
import { InjectDataSource } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { DataSource } from 'typeorm';
import { Roles } from '../auth/access.decorator';
import { AuditService } from './audit.service';

export class AuditQueryDto {
  @IsOptional() @IsDateString() from?: string;
  @IsOptional() @IsDateString() to?: string;
  @IsOptional() @IsString() @MaxLength(200) actor?: string;
  @IsOptional() @IsString() @MaxLength(100) action?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) afterSeq?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  @Get('events')
  @Roles('auditor')
  @ApiOperation({ summary: 'Audit events in chain order, filtered by time, actor (user:<id>, worker:<id> or a name) and action' })
  async events(@Query() q: AuditQueryDto): Promise<{ events: AuditRecord[] }> {
    const where: string[] = ['seq > $1'];
    const params: unknown[] = [q.afterSeq ?? 0];
    if (q.from) where.push(`at >= $${params.push(q.from)}`);
    if (q.to) where.push(`at < $${params.push(q.to)}`);
    if (q.actor) where.push(`(actor = $${params.push(q.actor)} OR actor_name = $${params.length})`);
    if (q.action) where.push(`action LIKE $${params.push(`${q.action.replace(/[%_]/g, '')}%`)}`);
    const rows = await this.ds.query(`SELECT * FROM audit_event WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ${q.limit ?? 200}`, params);
    return { events: (rows as Parameters<typeof rowToRecord>[0][]).map(rowToRecord) };
  }

  @Get('verify')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Walk the whole chain against the signed checkpoints; names the first broken link' })
  verify(): Promise<VerifyReport> {
    return this.audit.verify();
  }

  @Post('checkpoints')
  @Roles('auditor', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign a checkpoint of the chain head now' })
  async checkpoint(): Promise<{ seq: number; headHash: string; signedAt: string } | { unchanged: true }> {
    const c = await this.audit.checkpoint();
    return c ? { seq: c.seq, headHash: c.headHash, signedAt: c.signedAt } : { unchanged: true };
  }
}
