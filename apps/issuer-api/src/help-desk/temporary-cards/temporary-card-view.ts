import { Inject, Injectable } from '@nestjs/common';
import { CERTIFICATE_REPOSITORY, type CertificateRepository, type IssuedCertificateRecord } from '../../pki/certificate.repository';
import type { TxScope } from '../../platform/infra/unit-of-work';
import type { TemporaryCardState } from './temporary-card.repository';
import { shownState } from './temporary-card-rules';
import {
  TEMPORARY_CARD_VIEW_REPOSITORY,
  type TemporaryCardFilter,
  type TemporaryCardRecord,
  type TemporaryCardViewRepository,
} from './temporary-card-views.repository';

export interface TemporaryCardView {
  id: string;
  label: string;
  cardholderId: string;
  cardholder: string;
  cardId: string | null;
  serial: string | null;
  host: { workerId: string; name: string; workstation: number };
  state: TemporaryCardState;
  expiresAt: string;
  pin: { remaining: number; tries: number };
  version: number;
  approvalId: string;
  sourceVsc: { id: string; version: number };
  createdAt: string;
  activatedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  certificates: Array<{ slot: string; serial: string; notAfter: string; status: string; fresh: boolean }>;
}

/** A temporary card as the help desk and auditors see it; its certificates are the ones made for it (by slot). */
export function toTemporaryCardView(
  r: TemporaryCardRecord,
  certificates: readonly IssuedCertificateRecord[],
  now: Date,
): TemporaryCardView {
  const t = r.temporaryCard;
  const slot = (c: IssuedCertificateRecord): string => String(c.reference?.slot ?? '');
  return {
    id: t.id,
    label: r.vsc.label,
    cardholderId: t.cardholderId,
    cardholder: r.holder.name,
    cardId: t.cardId,
    serial: r.card?.serial ?? null,
    host: { workerId: t.hostWorkerId, name: r.host.name, workstation: r.host.workstation },
    state: shownState(t, now),
    expiresAt: t.expiresAt.toISOString(),
    pin: { remaining: t.pinRemaining, tries: t.pinTries },
    version: r.vsc.currentVersion,
    approvalId: t.approvalId,
    sourceVsc: { id: t.sourceVscId, version: t.sourceVersion },
    createdAt: t.createdAt.toISOString(),
    activatedAt: t.activatedAt?.toISOString() ?? null,
    closedAt: t.closedAt?.toISOString() ?? null,
    closeReason: t.closeReason,
    certificates: [...certificates]
      .sort((a, b) => (slot(a) < slot(b) ? -1 : slot(a) > slot(b) ? 1 : 0))
      .map((c) => ({ slot: slot(c), serial: c.serial, notAfter: c.notAfter.toISOString(), status: c.status, fresh: true })),
  };
}

/** Reads temporary cards with their certificates as views (show, list, and the answers of activation and revocation). */
@Injectable()
export class TemporaryCardViews {
  constructor(
    @Inject(TEMPORARY_CARD_VIEW_REPOSITORY) private readonly records: TemporaryCardViewRepository,
    @Inject(CERTIFICATE_REPOSITORY) private readonly certificates: CertificateRepository,
  ) {}

  async get(id: string, now: Date, tx?: TxScope): Promise<TemporaryCardView | undefined> {
    const r = await this.records.get(id, tx);
    return r && this.view(r, now, tx);
  }

  async list(filter: TemporaryCardFilter, limit: number, now: Date, tx?: TxScope): Promise<TemporaryCardView[]> {
    const out: TemporaryCardView[] = [];
    for (const r of await this.records.list(filter, limit, tx)) out.push(await this.view(r, now, tx));
    return out;
  }

  private async view(r: TemporaryCardRecord, now: Date, tx?: TxScope): Promise<TemporaryCardView> {
    return toTemporaryCardView(r, await this.certificates.find({ temporaryCardId: r.temporaryCard.id }, tx), now);
  }
}
