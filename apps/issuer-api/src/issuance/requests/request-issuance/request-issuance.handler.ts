import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { API_CONFIG, type ApiConfig } from '../../../platform/config/api-config';
import { type Tx, UnitOfWork } from '../../../platform/infra/unit-of-work';
import type { CardProfile } from '../../profiles/card-profile';
import { ProfileError } from '../../profiles/profile-errors';
import { ProfilesService } from '../../profiles/profiles.service';
import { issuanceRequests } from '../issuance.metrics';
import { IssuanceError, IssuanceErrorCode } from '../issuance-errors';
import { RequestStateMachine } from '../request-state-machine';
import { type BatchLineError, type IssuanceAccepted, type IssuanceItem, RequestIssuanceCommand } from './request-issuance.command';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Holder = {
  id: string;
  upn: string | null;
  email: string | null;
  status: string;
  open_request: string | null;
  open_state: string | null;
};

/**
 * Creates issuance requests in one transaction: each request, its history row, its audit event
 * and its `generate-keys` job (outbox) commit together, or — when any entry is wrong — nothing is
 * created and every wrong entry is named.
 */
@CommandHandler(RequestIssuanceCommand)
export class RequestIssuanceHandler implements ICommandHandler<RequestIssuanceCommand, IssuanceAccepted> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly profiles: ProfilesService,
    private readonly states: RequestStateMachine,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  async execute(c: RequestIssuanceCommand): Promise<IssuanceAccepted> {
    if (c.items.length === 0) throw new IssuanceError(IssuanceErrorCode.Invalid, 'no issuance requests in the call');
    if (c.items.length > this.cfg.SCM_ISSUANCE_BATCH_MAX) {
      throw new IssuanceError(
        IssuanceErrorCode.TooMany,
        `at most ${this.cfg.SCM_ISSUANCE_BATCH_MAX} requests per call, got ${c.items.length}`,
      );
    }
    try {
      const r = await this.uow.run(c.actor, (tx) => this.create(tx, c));
      if (!r.existing) issuanceRequests.inc({ event: 'accepted' }, r.size);
      return r;
    } catch (e) {
      // Two calls for the same cardholder at once: the second loses on the open-request index.
      if ((e as { code?: string; constraint?: string }).constraint === 'issuance_request_open') {
        throw new IssuanceError(
          IssuanceErrorCode.OpenRequestExists,
          'a cardholder of this call got an open request concurrently; nothing was created',
          {},
          { cause: e },
        );
      }
      throw e;
    }
  }

  private async create(tx: Tx, c: RequestIssuanceCommand): Promise<IssuanceAccepted | ReturnType<Tx['refuse']>> {
    if (c.opts.reference) {
      const prior = await this.existingBatch(tx, c.opts.reference);
      if (prior) return prior;
    }
    const errors: BatchLineError[] = [];
    const profiles = new Map<string, CardProfile | null>();
    const profileOf = async (id: string | undefined): Promise<CardProfile | null> => {
      const key = id ?? '';
      if (!profiles.has(key)) {
        try {
          profiles.set(key, await this.profiles.get(id, tx.em));
        } catch (e) {
          if (!(e instanceof ProfileError)) throw e;
          profiles.set(key, null);
        }
      }
      return profiles.get(key)!;
    };
    const holders = await this.resolve(tx, c.items);
    const seen = new Map<string, number>();
    const accepted: Array<{ index: number; holder: Holder; profile: CardProfile }> = [];
    for (const [index, item] of c.items.entries()) {
      const profileId = item.profile ?? c.opts.profile;
      const profile = await profileOf(profileId);
      const found = holders.get(item.cardholder.trim().toLowerCase()) ?? [];
      const err = (code: BatchLineError['code'], message: string, extra: Partial<BatchLineError> = {}) =>
        errors.push({ index, code, message, ...extra });
      if (!profile) err('profile-not-found', `no card profile "${profileId}"`);
      if (found.length === 0) err('cardholder-not-found', `no cardholder "${item.cardholder}"`);
      else if (found.length > 1)
        err('cardholder-ambiguous', `"${item.cardholder}" matches ${found.length} cardholders; give the id or the UPN`);
      if (!profile || found.length !== 1) continue;
      const h = found[0];
      const first = seen.get(h.id);
      if (first !== undefined) {
        err('duplicate', `cardholder ${h.id} is requested twice`, { otherIndex: first });
        continue;
      }
      seen.set(h.id, index);
      if (h.status !== 'active') err('cardholder-offboarded', `cardholder ${h.id} is ${h.status}`);
      else if (h.open_request) err('open-request', `cardholder ${h.id} already has request ${h.open_request} (${h.open_state})`);
      else if (profile.definition.slots['9a'] && !h.upn) {
        err('missing-upn', `cardholder ${h.id} has no UPN; profile "${profile.id}" puts one in the PIV authentication certificate`);
      } else accepted.push({ index, holder: h, profile });
    }
    if (errors.length) {
      tx.audit({
        action: 'issuance-batch.refused',
        targetType: 'issuance-batch',
        targetId: null,
        outcome: 'failure',
        details: { size: c.items.length, errors: errors.length },
      });
      return tx.refuse(
        new IssuanceError(
          IssuanceErrorCode.InvalidBatch,
          `${errors.length} of ${c.items.length} entries are wrong; no request was created`,
          { errors },
        ),
      );
    }

    const batchId = c.opts.batch ? randomUUID() : null;
    if (batchId) {
      await tx.em.query(`INSERT INTO issuance_batch (id, reference, size, created_by, created_at) VALUES ($1,$2,$3,$4,$5)`, [
        batchId,
        c.opts.reference ?? null,
        accepted.length,
        tx.actor.actor,
        tx.now,
      ]);
    }
    const ids = accepted.map(() => randomUUID());
    await tx.em.query(
      `INSERT INTO issuance_request (id, batch_id, cardholder_id, profile_id, profile, state, state_changed_at, created_by, created_at)
       SELECT id, $2, ch, pid, prof, 'requested', $6, $7, $6 FROM unnest($1::uuid[], $3::uuid[], $4::text[], $5::jsonb[]) AS t(id, ch, pid, prof)`,
      [
        ids,
        batchId,
        accepted.map((a) => a.holder.id),
        accepted.map((a) => a.profile.id),
        accepted.map((a) => JSON.stringify(a.profile.definition)),
        tx.now,
        tx.actor.actor,
      ],
    );
    await tx.em.query(
      `INSERT INTO issuance_request_event (request_id, from_state, to_state, at, actor, details)
       SELECT id, NULL, 'requested', $2, $3, jsonb_build_object('batchId', $4::uuid) FROM unnest($1::uuid[]) AS t(id)`,
      [ids, tx.now, tx.actor.actor, batchId],
    );
    for (const id of ids) tx.enqueue('generate-keys', { requestId: id });
    accepted.forEach((a, i) =>
      tx.audit({
        action: 'issuance-request.requested',
        targetType: 'issuance-request',
        targetId: ids[i],
        outcome: 'success',
        details: { cardholderId: a.holder.id, profile: a.profile.id, ...(batchId ? { batchId } : {}) },
      }),
    );
    if (batchId) {
      tx.audit({
        action: 'issuance-batch.created',
        targetType: 'issuance-batch',
        targetId: batchId,
        outcome: 'success',
        details: { size: ids.length, reference: c.opts.reference ?? null },
      });
    }
    await this.states.announce(
      tx,
      ...ids.map((id) => ({
        type: 'state' as const,
        requestId: id,
        batchId,
        from: null,
        state: 'requested' as const,
        at: tx.now.toISOString(),
      })),
    );
    return {
      batchId,
      size: ids.length,
      existing: false,
      requests: accepted.map((a, i) => ({ id: ids[i], cardholderId: a.holder.id, profileId: a.profile.id, state: 'requested' })),
    };
  }

  /** Cardholders by id, UPN or e-mail, in one query; keyed by the lower-cased reference. */
  private async resolve(tx: Tx, items: readonly IssuanceItem[]): Promise<Map<string, Holder[]>> {
    const refs = [...new Set(items.map((i) => i.cardholder.trim().toLowerCase()))];
    const ids = refs.filter((r) => UUID.test(r));
    const names = refs.filter((r) => !UUID.test(r));
    const rows = (await tx.em.query(
      `SELECT c.id, c.upn, c.email, c.status, r.id AS open_request, r.state AS open_state
         FROM cardholder c
         LEFT JOIN issuance_request r ON r.cardholder_id = c.id AND r.state NOT IN ('issued', 'failed', 'cancelled')
        WHERE c.id = ANY($1::uuid[]) OR lower(c.upn) = ANY($2::text[]) OR lower(c.email) = ANY($2::text[])`,
      [ids, names],
    )) as Holder[];
    const out = new Map<string, Holder[]>();
    const add = (k: string | null, h: Holder) => {
      if (!k) return;
      const list = out.get(k) ?? [];
      if (!list.some((x) => x.id === h.id)) list.push(h);
      out.set(k, list);
    };
    for (const h of rows) {
      add(h.id.toLowerCase(), h);
      add(h.upn?.toLowerCase() ?? null, h);
      // A UPN match wins over e-mail matches of other people.
      if (!h.upn || h.upn.toLowerCase() !== h.email?.toLowerCase()) add(h.email?.toLowerCase() ?? null, h);
    }
    for (const [k, list] of out) {
      const byUpn = list.filter((h) => h.upn?.toLowerCase() === k);
      if (byUpn.length === 1 && list.length > 1) out.set(k, byUpn);
    }
    return out;
  }

  private async existingBatch(tx: Tx, reference: string): Promise<IssuanceAccepted | undefined> {
    const b = (await tx.em.query(`SELECT id FROM issuance_batch WHERE reference = $1`, [reference])) as Array<{ id: string }>;
    if (!b[0]) return undefined;
    const rows = (await tx.em.query(
      `SELECT id, cardholder_id, profile_id, state FROM issuance_request WHERE batch_id = $1 ORDER BY created_at, id`,
      [b[0].id],
    )) as Array<{
      id: string;
      cardholder_id: string;
      profile_id: string;
      state: string;
    }>;
    return {
      batchId: b[0].id,
      size: rows.length,
      existing: true,
      requests: rows.map((r) => ({ id: r.id, cardholderId: r.cardholder_id, profileId: r.profile_id, state: r.state })),
    };
  }
}
