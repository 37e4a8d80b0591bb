import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ApprovalRequestEntity } from '@scm/db';
import { ApprovalsService } from '../../trust/approvals/approvals.service';
import type { Actor } from '../../trust/auth/principal';
import { API_CONFIG, type ApiConfig } from '../../platform/config/api-config';
import { type ApprovalTicket, ticketOf } from '../shared/approval-ticket';
import { KEY_MANAGEMENT_SLOT, recoverableKeys } from '../shared/derived-vsc';
import { EscrowSource, findCard } from '../shared/escrow-source';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { KeyRecoveryError, KeyRecoveryErrorCode } from './key-recovery-errors';
import { buildPkcs12, type Pkcs12Entry } from './pkcs12';

export const KEY_RECOVERY_KIND = 'key-recovery';
const E = KeyRecoveryErrorCode;

type Subject = { cardholderId: string; cardId: string | null; reason: string; requestedBy: string };

export interface KeyRecoveryView {
  id: string;
  cardholderId: string;
  cardId: string | null;
  reason: string;
  state: 'approved' | 'delivered';
  approvalId: string;
  requestedBy: string;
  createdAt: string;
  deliveredAt: string | null;
  keys: Array<{ vscId: string; slot: string; serial: string }>;
}

type Row = {
  id: string;
  cardholder_id: string;
  card_id: string | null;
  approval_id: string;
  reason: string;
  state: KeyRecoveryView['state'];
  requested_by: string;
  created_at: Date;
  delivered_at: Date | null;
  keys: KeyRecoveryView['keys'];
};

const view = (r: Row): KeyRecoveryView => ({
  id: r.id,
  cardholderId: r.cardholder_id,
  cardId: r.card_id,
  reason: r.reason,
  state: r.state,
  approvalId: r.approval_id,
  requestedBy: r.requested_by,
  createdAt: r.created_at.toISOString(),
  deliveredAt: r.delivered_at?.toISOString() ?? null,
  keys: r.keys,
});

/** A PKCS#12 password: printable ASCII (encoded alike by every reader), long enough to resist guessing offline. */
export function passwordProblem(pw: string): string | undefined {
  if (!/^[\x20-\x7e]*$/.test(pw)) return 'the password is printable ASCII characters';
  if (pw.length < 12 || pw.length > 128) return 'the password has 12 to 128 characters';
  return undefined;
}

/**
 * Data recovery (design.md, "Keys, escrow and policy", the recovery path): an officer asks for a
 * cardholder's escrowed key-management keys — the current 9D key and every earlier one, from all
 * the cardholder's escrowed VSCs — to decrypt old data. After m-of-n approval (other officers),
 * the requesting officer fetches them once as a PKCS#12 under a password they choose; it is built
 * in memory, answered, and never stored. Each step is audited, never the keys or the password.
 */
@Injectable()
export class KeyRecoveryService implements OnModuleInit {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly approvals: ApprovalsService,
    private readonly escrow: EscrowSource,
    @Inject(API_CONFIG) private readonly cfg: ApiConfig,
  ) {}

  onModuleInit(): void {
    this.approvals.register(KEY_RECOVERY_KIND, (tx, req) => this.approve(tx, req));
  }

  request(
    input: { card?: string; cardholder?: string; reason: string },
    requester: { id: string; username: string },
    actor: Actor,
  ): Promise<ApprovalTicket> {
    return this.uow.run(actor, async (tx) => {
      const deny = (e: KeyRecoveryError) => {
        tx.audit({
          action: 'key-recovery.requested',
          targetType: 'cardholder',
          targetId: input.cardholder ?? input.card ?? null,
          outcome: 'denied',
          details: { refusal: e.code },
        });
        return tx.refuse(e);
      };
      let cardholderId = input.cardholder;
      let cardId: string | null = null;
      if (input.card) {
        const card = await findCard(tx.em, input.card);
        if (!card) return deny(new KeyRecoveryError(E.NotFound, `no card ${input.card}`));
        cardholderId = card.cardholder_id;
        cardId = card.id;
      }
      if (!cardholderId) return deny(new KeyRecoveryError(E.Invalid, 'name a card or a cardholder'));
      const holder = (await tx.em.query(`SELECT id FROM cardholder WHERE id::text = $1`, [cardholderId])) as Array<{ id: string }>;
      if (!holder[0]) return deny(new KeyRecoveryError(E.NotFound, `no cardholder ${cardholderId}`));
      if (!(await this.sources(tx, cardholderId)).length)
        return deny(new KeyRecoveryError(E.NoKeys, `cardholder ${cardholderId} has no escrowed VSC`));
      const subject: Subject = { cardholderId, cardId, reason: input.reason, requestedBy: requester.username };
      const a = await this.approvals.request(tx, {
        kind: KEY_RECOVERY_KIND,
        subject,
        approverRole: 'security-officer',
        requiredApprovals: this.cfg.SCM_HELPDESK_APPROVALS,
        requestedBy: requester.id,
      });
      tx.audit({
        action: 'key-recovery.requested',
        targetType: 'cardholder',
        targetId: cardholderId,
        outcome: 'success',
        details: { approvalId: a.id, cardId, reason: input.reason },
      });
      return ticketOf(a);
    });
  }

  private async approve(tx: Tx, req: ApprovalRequestEntity): Promise<void> {
    const s = req.subject as Subject;
    const id = randomUUID();
    await tx.em.query(
      `INSERT INTO key_recovery (id, cardholder_id, card_id, approval_id, reason, state, requested_by, created_at) VALUES ($1,$2,$3,$4,$5,'approved',$6,$7)`,
      [id, s.cardholderId, s.cardId, req.id, s.reason, req.requestedBy, tx.now],
    );
    tx.audit({
      action: 'key-recovery.approved',
      targetType: 'cardholder',
      targetId: s.cardholderId,
      outcome: 'success',
      details: { recoveryId: id, approvalId: req.id },
    });
  }

  /** The cardholder's escrowed VSCs (not temporary copies), newest first, with their latest escrowed version. */
  private async sources(tx: Tx, cardholderId: string): Promise<Array<{ id: string; version: number }>> {
    return (await tx.em.query(
      `SELECT v.id, max(x.version) AS version FROM vsc v JOIN vsc_version x ON x.vsc_id = v.id AND x.escrowed_at IS NOT NULL
        WHERE v.cardholder_id = $1 AND v.kind = 'escrow' GROUP BY v.id, v.created_at ORDER BY v.created_at DESC`,
      [cardholderId],
    )) as Array<{ id: string; version: number }>;
  }

  /** The keys, once, to the officer who asked, under the password they give. */
  pkcs12(
    id: string,
    password: string,
    officer: { id: string },
    actor: Actor,
  ): Promise<{ id: string; pkcs12: string; keys: KeyRecoveryView['keys'] }> {
    return this.uow.run(actor, async (tx) => {
      const rows = (await tx.em.query(`SELECT * FROM key_recovery WHERE id = $1 FOR UPDATE`, [id])) as Row[];
      const r = rows[0];
      const deny = (e: KeyRecoveryError) => {
        tx.audit({
          action: 'key-recovery.delivered',
          targetType: 'cardholder',
          targetId: r?.cardholder_id ?? null,
          outcome: 'denied',
          details: { recoveryId: id, refusal: e.code },
        });
        return tx.refuse(e);
      };
      if (!r) return deny(new KeyRecoveryError(E.NotFound, `no approved key recovery ${id}`));
      if (r.requested_by !== officer.id)
        return deny(new KeyRecoveryError(E.NotRequester, 'only the officer who asked for the recovery receives the keys'));
      if (r.state !== 'approved')
        return deny(new KeyRecoveryError(E.Delivered, `key recovery ${id} was delivered at ${r.delivered_at?.toISOString()}; ask again`));
      const problem = passwordProblem(password);
      if (problem) return deny(new KeyRecoveryError(E.Invalid, problem));
      const entries: Pkcs12Entry[] = [];
      const keys: KeyRecoveryView['keys'] = [];
      const seen = new Set<string>();
      try {
        for (const src of await this.sources(tx, r.cardholder_id)) {
          const opened = await this.escrow.open(tx, { vscId: src.id, version: src.version }, 'escrow');
          try {
            for (const k of recoverableKeys(opened.vsc)) {
              if (seen.has(k.serial)) continue;
              seen.add(k.serial);
              const key = opened.vsc.exportPrivateKeyForIssuance(k.slot, { requestId: r.approval_id });
              const current = entries.length === 0 && k.slot === KEY_MANAGEMENT_SLOT;
              entries.push({
                pkcs8: key.export({ format: 'der', type: 'pkcs8' }),
                certificate: k.certificate,
                friendlyName: `${current ? 'current' : 'earlier'} key management ${k.serial}`,
              });
              keys.push({ vscId: src.id, slot: k.slot.toString(16), serial: k.serial });
            }
          } finally {
            opened.vsc.close();
          }
        }
        if (!entries.length) return deny(new KeyRecoveryError(E.NoKeys, 'no escrowed key-management key to recover'));
        const p12 = buildPkcs12(entries, password);
        await tx.em.query(`UPDATE key_recovery SET state = 'delivered', delivered_at = $2, keys = $3 WHERE id = $1`, [
          id,
          tx.now,
          JSON.stringify(keys),
        ]);
        tx.audit({
          action: 'key-recovery.delivered',
          targetType: 'cardholder',
          targetId: r.cardholder_id,
          outcome: 'success',
          details: { recoveryId: id, approvalId: r.approval_id, keys, format: 'pkcs12' },
        });
        return { id, pkcs12: p12.toString('base64'), keys };
      } finally {
        for (const e of entries) e.pkcs8.fill(0);
      }
    });
  }

  get(id: string, actor: Actor): Promise<KeyRecoveryView> {
    return this.uow.run(actor, async (tx) => {
      const rows = (await tx.em.query(`SELECT * FROM key_recovery WHERE id = $1`, [id])) as Row[];
      if (!rows[0]) return tx.refuse(new KeyRecoveryError(E.NotFound, `no key recovery ${id}`));
      return view(rows[0]);
    });
  }

  /** The recovery an approval made (the officer knows the approval id from the request). */
  byApproval(approvalId: string, actor: Actor): Promise<KeyRecoveryView> {
    return this.uow.run(actor, async (tx) => {
      const rows = (await tx.em.query(`SELECT * FROM key_recovery WHERE approval_id = $1`, [approvalId])) as Row[];
      if (!rows[0]) return tx.refuse(new KeyRecoveryError(E.NotFound, `no approved key recovery for approval ${approvalId} (yet)`));
      return view(rows[0]);
    });
  }
}
