import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { VerifyReport } from '@scm/audit';
import { AuditService } from '../audit.service';
import { VerifyAuditChainQuery } from './verify-audit-chain.query';

@QueryHandler(VerifyAuditChainQuery)
export class VerifyAuditChainHandler implements IQueryHandler<VerifyAuditChainQuery> {
  constructor(private readonly audit: AuditService) {}

  execute(): Promise<VerifyReport> {
    return this.audit.verify();
  }
}
