import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { VscEscrowError, VscEscrowErrorCode } from '../vsc-escrow-errors';
import { versionView } from '../vsc-view';
import { VSC_REPOSITORY, type VscRepository } from '../vsc.repository';
import { ShowVscQuery, type VscView } from './show-vsc.query';

@QueryHandler(ShowVscQuery)
export class ShowVscHandler implements IQueryHandler<ShowVscQuery> {
  constructor(@Inject(VSC_REPOSITORY) private readonly vscs: VscRepository) {}

  async execute(q: ShowVscQuery): Promise<VscView> {
    const v = await this.vscs.get(q.vscId);
    if (!v) throw new VscEscrowError(VscEscrowErrorCode.NotFound, `no VSC ${q.vscId}`, { vscId: q.vscId });
    return {
      id: v.id,
      kind: v.kind,
      label: v.label,
      requestId: v.requestId,
      cardholderId: v.cardholderId,
      currentVersion: v.currentVersion,
      state: v.state,
      versions: (await this.vscs.versions(v.id)).map(versionView),
    };
  }
}
