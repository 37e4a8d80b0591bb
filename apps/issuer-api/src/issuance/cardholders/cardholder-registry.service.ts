import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { API_CONFIG } from '../../platform/config/api-config';
import type { Tx } from '../../platform/infra/unit-of-work';
import type { ApprovalRequest } from '../../trust/approvals/approval.repository';
import { dutiesSeparated, type DutySettings } from '../../trust/separation-of-duties';
import { CardholderApprovals } from './cardholder-approvals';
import { type CardholderInput, checkCardholders, type ImportLineError, takenUpnErrors } from './cardholder';
import { CARDHOLDER_REPOSITORY, type Cardholder, type CardholderRepository } from './cardholder.repository';

/**
 * Registers cardholders in the caller's transaction: every entry is checked (fields, UPN unique in
 * the list and among registered cardholders), then all are inserted and each is audited — or
 * nothing is inserted and every problem is returned. With separation of duties the new cardholders
 * are `pending` until a second officer approves the registration (one approval request for all).
 */
@Injectable()
export class CardholderRegistry {
  constructor(
    @Inject(CARDHOLDER_REPOSITORY) private readonly cardholders: CardholderRepository,
    private readonly approvals: CardholderApprovals,
    @Inject(API_CONFIG) private readonly cfg: DutySettings,
  ) {}

  async register(
    tx: Tx,
    inputs: readonly CardholderInput[],
  ): Promise<{ created: Cardholder[]; approval: ApprovalRequest | null } | { errors: ImportLineError[] }> {
    const separated = dutiesSeparated(this.cfg);
    const { values, errors, upns } = checkCardholders(inputs);
    if (upns.size) errors.push(...takenUpnErrors(upns, await this.cardholders.withUpns([...upns.keys()], tx)));
    if (errors.length) return { errors: errors.sort((a, b) => a.index - b.index) };
    const created: Cardholder[] = values.map((v) => ({
      id: randomUUID(),
      name: v!.name,
      email: v!.email,
      upn: v!.upn,
      orgIds: v!.orgIds,
      status: separated ? 'pending' : 'active',
      registeredBy: tx.actor.actor,
      sponsoredBy: null,
      sponsoredAt: null,
      createdAt: tx.now,
      updatedAt: tx.now,
    }));
    await this.cardholders.insertMany(tx, created);
    for (const c of created) {
      tx.audit({
        action: 'cardholder.created',
        targetType: 'cardholder',
        targetId: c.id,
        outcome: 'success',
        details: { name: c.name, upn: c.upn, email: c.email, status: c.status },
      });
    }
    return { created, approval: separated ? await this.approvals.requestRegistration(tx, created) : null };
  }
}
