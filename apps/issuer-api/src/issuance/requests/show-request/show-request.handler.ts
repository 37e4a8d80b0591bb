import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CERTIFICATE_REPOSITORY, type CertificateRepository, type IssuedCertificateRecord } from '../../../pki/certificate.repository';
import { CARDHOLDER_REPOSITORY, type CardholderRepository } from '../../cardholders/cardholder.repository';
import { profileSlots } from '../../profiles/card-profile';
import { VSC_REPOSITORY, type VscRepository } from '../../vsc-escrow/vsc.repository';
import { IssuanceError, IssuanceErrorCode } from '../issuance-errors';
import { type IssuanceRequest, REQUEST_REPOSITORY, type RequestRepository } from '../request.repository';
import { ShowRequestQuery, type RequestView } from './show-request.query';

@QueryHandler(ShowRequestQuery)
export class ShowRequestHandler implements IQueryHandler<ShowRequestQuery, RequestView> {
  constructor(
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(CARDHOLDER_REPOSITORY) private readonly cardholders: CardholderRepository,
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    @Inject(CERTIFICATE_REPOSITORY) private readonly certificates: CertificateRepository,
  ) {}

  async execute(q: ShowRequestQuery): Promise<RequestView> {
    const r = await this.requests.get(q.requestId);
    const holder = r && (await this.cardholders.get(r.cardholderId));
    if (!r || !holder)
      throw new IssuanceError(IssuanceErrorCode.NotFound, `no issuance request ${q.requestId}`, { requestId: q.requestId });
    const [history, vsc, certs] = await Promise.all([
      this.requests.historyOf(r.id),
      this.vsc(r.id),
      this.certificates.find({ requestId: r.id }),
    ]);
    return {
      id: r.id,
      batchId: r.batchId,
      cardholder: { id: holder.id, name: holder.name, upn: holder.upn, email: holder.email },
      profileId: r.profileId,
      profileVersion: r.profileVersion ?? null,
      state: r.state,
      stateChangedAt: r.stateChangedAt.toISOString(),
      failure: r.failure,
      workerId: r.workerId,
      cardId: r.cardId,
      createdBy: r.createdBy,
      createdAt: r.createdAt.toISOString(),
      vsc,
      slots: slotViews(r, certs),
      history: history.map((h) => ({ from: h.fromState, to: h.toState, at: h.at.toISOString(), actor: h.actor, details: h.details })),
    };
  }

  /** The request's escrow VSC and its current version. */
  private async vsc(requestId: string): Promise<RequestView['vsc']> {
    const v = await this.vscs.ofRequest(requestId);
    const current = v && (await this.vscs.versions(v.id)).find((x) => x.version === v.currentVersion);
    if (!v || !current) return null;
    return { id: v.id, currentVersion: v.currentVersion, escrowed: current.escrowedAt !== null, sha256: current.sha256.toString('hex') };
  }
}

/** Each slot of the request's profile with its certificate: the newest valid one, else the newest of any status. */
function slotViews(r: IssuanceRequest, certs: readonly IssuedCertificateRecord[]): RequestView['slots'] {
  const newestFirst = [...certs].reverse();
  return profileSlots(r.profile).map(([slot, s]) => {
    const ofSlot = newestFirst.filter((c) => c.reference?.slot === slot);
    const c = ofSlot.find((x) => x.status === 'valid') ?? ofSlot[0];
    return { slot, algorithm: s.algorithm, escrow: s.escrow, certificate: c ? { serial: c.serial, status: c.status } : null };
  });
}
