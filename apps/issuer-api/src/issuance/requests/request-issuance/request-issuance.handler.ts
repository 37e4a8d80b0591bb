import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { dutiesSeparated, type DutySettings } from '../../../trust/separation-of-duties';
import { type Refusal, type Tx, UnitOfWork } from '../../../platform/infra/unit-of-work';
import { CARDHOLDER_REPOSITORY, type CardholderRepository } from '../../cardholders/cardholder.repository';
import { type CardProfile, checkedProfile } from '../../profiles/card-profile';
import { ProfileError } from '../../profiles/profile-errors';
import { PROFILE_REPOSITORY, type ProfileRepository } from '../../profiles/profile.repository';
import { issuanceRequests } from '../issuance.metrics';
import { IssuanceError, IssuanceErrorCode } from '../issuance-errors';
import { type IssuanceRequest, REQUEST_REPOSITORY, type RequestRepository } from '../request.repository';
import { type AcceptedEntry, checkBatch, entryProfile, indexCardholders, splitReferences } from './batch-validation';
import { type IssuanceAccepted, RequestIssuanceCommand } from './request-issuance.command';

/**
 * Creates issuance requests in one transaction: each request, its history row, its audit event
 * and its `generate-keys` job (outbox) commit together, or — when any entry is wrong — nothing is
 * created and every wrong entry is named.
 */
@CommandHandler(RequestIssuanceCommand)
export class RequestIssuanceHandler implements ICommandHandler<RequestIssuanceCommand, IssuanceAccepted> {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(REQUEST_REPOSITORY) private readonly requests: RequestRepository,
    @Inject(CARDHOLDER_REPOSITORY) private readonly cardholders: CardholderRepository,
    @Inject(PROFILE_REPOSITORY) private readonly profiles: ProfileRepository,
    @Inject(API_CONFIG) private readonly cfg: Pick<ApiConfig, 'SCM_ISSUANCE_BATCH_MAX'> & DutySettings,
  ) {}

  async execute(c: RequestIssuanceCommand): Promise<IssuanceAccepted> {
    if (c.items.length === 0) throw new IssuanceError(IssuanceErrorCode.Invalid, 'no issuance requests in the call');
    if (c.items.length > this.cfg.SCM_ISSUANCE_BATCH_MAX) {
      throw new IssuanceError(
        IssuanceErrorCode.TooMany,
        `at most ${this.cfg.SCM_ISSUANCE_BATCH_MAX} requests per call, got ${c.items.length}`,
      );
    }
    const r = await this.uow.run(c.actor, (tx) => this.create(tx, c));
    if (!r.existing) issuanceRequests.inc({ event: 'accepted' }, r.size);
    return r;
  }

  private async create(tx: Tx, c: RequestIssuanceCommand): Promise<IssuanceAccepted | Refusal> {
    const prior = c.opts.reference ? await this.requests.batchByReference(c.opts.reference, tx) : undefined;
    if (prior) return this.existing(tx, prior.id);
    const checked = checkBatch(c.items, c.opts.profile, await this.lookup(tx, c));
    if ('errors' in checked) {
      tx.audit({
        action: 'issuance-batch.refused',
        targetType: 'issuance-batch',
        targetId: null,
        outcome: 'failure',
        details: { size: c.items.length, errors: checked.errors.length },
      });
      return tx.refuse(
        new IssuanceError(
          IssuanceErrorCode.InvalidBatch,
          `${checked.errors.length} of ${c.items.length} entries are wrong; no request was created`,
          { errors: checked.errors },
        ),
      );
    }
    const unsponsored = this.sponsorshipRefusal(tx, checked.accepted);
    if (unsponsored) return unsponsored;
    return this.accept(tx, c, checked.accepted);
  }

  /**
   * Separation of duties: every card has a sponsor — the second officer who approved the
   * cardholder's registration or a sponsorship for one more card — and the sponsor is never the
   * officer who requests the card. Refused (and audited) for the whole call, naming each entry.
   */
  private sponsorshipRefusal(tx: Tx, accepted: readonly AcceptedEntry[]): Refusal | null {
    if (!dutiesSeparated(this.cfg)) return null;
    const own = accepted.filter((a) => a.holder.sponsoredBy === tx.actor.actor);
    const none = accepted.filter((a) => !a.holder.sponsoredBy);
    if (own.length === 0 && none.length === 0) return null;
    const [code, bad, message] = own.length
      ? ([
          IssuanceErrorCode.SponsorIsRequester,
          own,
          'you sponsored this card, so another officer requests it (separation of duties)',
        ] as const)
      : ([
          IssuanceErrorCode.NotSponsored,
          none,
          'no sponsorship for a new card: ask a second officer to approve one (bin/scm cardholder sponsor)',
        ] as const);
    return tx.deny(
      new IssuanceError(code, `${bad.length} of ${accepted.length} entries: ${message}`, {
        errors: bad.map((a) => ({ index: a.index, cardholderId: a.holder.id })),
      }),
      {
        action: 'issuance-request.requested',
        targetType: bad.length === 1 ? 'cardholder' : 'issuance-batch',
        targetId: bad.length === 1 ? bad[0].holder.id : null,
        details: { size: accepted.length, refused: bad.length },
      },
    );
  }

  /** Everything the entries are checked against, in three queries whatever the size of the call. */
  private async lookup(tx: Tx, c: RequestIssuanceCommand): Promise<Parameters<typeof checkBatch>[2]> {
    const profiles = new Map<string, CardProfile | null>();
    for (const id of new Set(c.items.map((i) => entryProfile(i, c.opts.profile)))) profiles.set(id ?? '', await this.profile(tx, id));
    const { ids, names } = splitReferences(c.items);
    const found = await this.cardholders.byReferences(ids, names, tx);
    const open = await this.requests.openOf(
      found.map((h) => h.id),
      tx,
    );
    return { holders: indexCardholders(found), profiles, open: new Map(open.map((r) => [r.cardholderId, r])) };
  }

  /** A profile by id (the default one for undefined), or null when there is none or it is invalid. */
  private async profile(tx: Tx, id: string | undefined): Promise<CardProfile | null> {
    const row = id === undefined ? await this.profiles.getDefault(tx) : await this.profiles.get(id, tx);
    try {
      return row ? checkedProfile(row) : null;
    } catch (e) {
      if (e instanceof ProfileError) return null;
      throw e;
    }
  }

  private async accept(tx: Tx, c: RequestIssuanceCommand, accepted: readonly AcceptedEntry[]): Promise<IssuanceAccepted> {
    const batchId = c.opts.batch ? randomUUID() : null;
    if (batchId) {
      await this.requests.insertBatch(tx, {
        id: batchId,
        reference: c.opts.reference ?? null,
        size: accepted.length,
        createdBy: tx.actor.actor,
        createdAt: tx.now,
      });
    }
    const rows: IssuanceRequest[] = accepted.map((a) => ({
      id: randomUUID(),
      batchId,
      cardholderId: a.holder.id,
      profileId: a.profile.id,
      profile: a.profile.definition,
      profileVersion: a.profile.version,
      state: 'requested',
      stateChangedAt: tx.now,
      failure: null,
      workerId: null,
      cardId: null,
      createdBy: tx.actor.actor,
      sponsoredBy: a.holder.sponsoredBy ?? null,
      createdAt: tx.now,
    }));
    await this.requests.insertMany(tx, rows);
    await this.cardholders.consumeSponsorships(
      tx,
      rows.filter((r) => r.sponsoredBy).map((r) => r.cardholderId),
    );
    await this.requests.addHistory(
      tx,
      rows.map((r) => ({ requestId: r.id, from: null, to: 'requested', actor: tx.actor.actor, details: { batchId } })),
    );
    for (const r of rows) tx.enqueue('generate-keys', { requestId: r.id });
    for (const r of rows) {
      tx.audit({
        action: 'issuance-request.requested',
        targetType: 'issuance-request',
        targetId: r.id,
        outcome: 'success',
        details: { cardholderId: r.cardholderId, profile: r.profileId, sponsoredBy: r.sponsoredBy, ...(batchId ? { batchId } : {}) },
      });
    }
    if (batchId) {
      tx.audit({
        action: 'issuance-batch.created',
        targetType: 'issuance-batch',
        targetId: batchId,
        outcome: 'success',
        details: { size: rows.length, reference: c.opts.reference ?? null },
      });
    }
    const at = tx.now.toISOString();
    await this.requests.announce(
      tx,
      rows.map((r) => ({ type: 'state', requestId: r.id, batchId, from: null, state: 'requested', at })),
    );
    return { batchId, size: rows.length, existing: false, requests: rows.map(summary) };
  }

  /** The batch sent before under the same reference, as it was accepted then. */
  private async existing(tx: Tx, batchId: string): Promise<IssuanceAccepted> {
    const rows = await this.requests.ofBatch(batchId, tx);
    return { batchId, size: rows.length, existing: true, requests: rows.map(summary) };
  }
}

const summary = (r: IssuanceRequest): IssuanceAccepted['requests'][number] => ({
  id: r.id,
  cardholderId: r.cardholderId,
  profileId: r.profileId,
  state: r.state,
});
