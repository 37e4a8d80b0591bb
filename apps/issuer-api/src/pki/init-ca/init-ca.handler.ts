import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { UnitOfWork } from '../../platform/infra/unit-of-work';
import { CA_AUTHORITY_REPOSITORY, type CaAuthorityRepository } from '../ca-authority.repository';
import { CaService } from '../ca.service';
import { InitCaCommand, type InitCaResult } from './init-ca.command';

@CommandHandler(InitCaCommand)
export class InitCaHandler implements ICommandHandler<InitCaCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly cas: CaService,
    @Inject(CA_AUTHORITY_REPOSITORY) private readonly authorities: CaAuthorityRepository,
    @Inject(API_CONFIG) private readonly cfg: Pick<ApiConfig, 'SCM_PUBLIC_URL'>,
  ) {}

  execute(c: InitCaCommand): Promise<InitCaResult> {
    return this.uow.run(c.actor, async (tx) => {
      const ids = this.cas.hierarchyIds;
      const present = await Promise.all(ids.map(async (id) => !!(await this.authorities.get(id, tx))));
      const h = await this.cas.setUpHierarchy(tx);
      const certs = [h.root.certificate, h.issuing.certificate, h.contentSigner.certificate];
      return ids.map((id, i) => {
        if (!present[i]) {
          tx.audit({
            action: 'ca.created',
            targetType: 'ca',
            targetId: id,
            outcome: 'success',
            details: { publicBaseUrl: this.cfg.SCM_PUBLIC_URL },
          });
        }
        return { id, created: !present[i], subject: certs[i].subject, notAfter: certs[i].notAfter.toISOString() };
      });
    });
  }
}
