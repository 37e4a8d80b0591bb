import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { HsmContext } from '@scm/hsm';
import {
  HsmKeyProtector,
  VirtualSmartCard,
  type KeyRef,
  type VscCheckReport,
  type VscDeps,
  type VscKeyProtector,
  type VscKind,
  type VscState,
} from '@scm/vsc';
import type { DataSource, EntityManager } from 'typeorm';
import type { HsmHandle } from '../../platform/infra/infra.module';
import { HSM } from '../../platform/infra/tokens';
import type { Tx } from '../../platform/infra/unit-of-work';
import { VscEscrowError, VscEscrowErrorCode } from './vsc-escrow-errors';

export interface VscVersionView {
  version: number;
  sha256: string;
  size: number;
  kek: string;
  recovery: string;
  reason: string;
  createdAt: string;
  escrowedAt: string | null;
}

export interface VscView {
  id: string;
  kind: VscKind;
  label: string;
  requestId: string | null;
  cardholderId: string | null;
  currentVersion: number;
  state: Omit<VscState, 'binding'> & { binding?: { serial: string; atr?: string } };
  versions: VscVersionView[];
}

/** VscState as JSON (the ATR of a binding as hex). */
export function stateToJson(s: VscState): VscView['state'] {
  const { binding, ...rest } = s;
  return binding
    ? { ...rest, binding: { serial: binding.serial, ...(binding.atr ? { atr: Buffer.from(binding.atr).toString('hex') } : {}) } }
    : rest;
}

export function stateFromJson(j: VscView['state']): VscState {
  const { binding, ...rest } = j;
  return binding
    ? { ...rest, binding: { serial: binding.serial, ...(binding.atr ? { atr: Buffer.from(binding.atr, 'hex') } : {}) } }
    : rest;
}

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/**
 * The HSM protector with its "current keys exist" check made once per HSM context: every VSC
 * created asks for it, and each check is two PKCS#11 searches that run on the event loop. A key
 * removed later still fails the operation that uses it.
 */
class CheckedOnceProtector implements VscKeyProtector {
  private current: Promise<{ kek: KeyRef; recovery: KeyRef }> | undefined;
  constructor(private readonly inner: HsmKeyProtector) {}

  currentKeys(): Promise<{ kek: KeyRef; recovery: KeyRef }> {
    if (!this.current) {
      const p = this.inner.currentKeys();
      p.catch(() => {
        if (this.current === p) this.current = undefined;
      });
      this.current = p;
    }
    return this.current;
  }
  deriveCardholderKey(kek: KeyRef, kdfOutput: Uint8Array, context: Uint8Array): Promise<Buffer> {
    return this.inner.deriveCardholderKey(kek, kdfOutput, context);
  }
  mac(kek: KeyRef, purpose: 'seal' | 'state', data: Uint8Array): Promise<Buffer> {
    return this.inner.mac(kek, purpose, data);
  }
  wrapForRecovery(recovery: KeyRef, cek: Uint8Array, aad: Uint8Array): Promise<{ nonce: Buffer; wrapped: Buffer }> {
    return this.inner.wrapForRecovery(recovery, cek, aad);
  }
  unwrapForRecovery(recovery: KeyRef, wrapped: Uint8Array, nonce: Uint8Array, aad: Uint8Array): Promise<Buffer | undefined> {
    return this.inner.unwrapForRecovery(recovery, wrapped, nonce, aad);
  }
}

/**
 * Managed VSCs: every sealed version is the escrow copy, kept in PostgreSQL (`vsc_version`,
 * immutable, with its SHA-256), and the VSC's state lives in the `vsc` row. Private areas open
 * only through the recovery path (the HSM's recovery key), for the API alone.
 */
@Injectable()
export class VscEscrowService {
  private cache: { ctx: HsmContext; deps: VscDeps } | undefined;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(HSM) private readonly hsm: HsmHandle,
  ) {}

  /** The control program's dependencies over the API's HSM context. */
  deps(): VscDeps {
    const ctx = this.hsm.get();
    if (this.cache?.ctx !== ctx) this.cache = { ctx, deps: { protector: new CheckedOnceProtector(new HsmKeyProtector(ctx)) } };
    return this.cache.deps;
  }

  /** Stores version 1 of a new VSC and its state (the VSC must be sealed). */
  async storeNew(
    tx: Tx,
    vsc: VirtualSmartCard,
    meta: { kind: VscKind; requestId?: string; cardholderId?: string; reason: string },
  ): Promise<VscVersionView> {
    const bytes = vsc.contentBytes;
    if (!bytes || vsc.isDirty || vsc.version !== 1) throw new Error('storeNew takes a VSC sealed once (version 1)');
    await tx.em.query(
      `INSERT INTO vsc (id, kind, label, request_id, cardholder_id, current_version, state, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,1,$6,$7,$7)`,
      [vsc.id, meta.kind, vsc.label, meta.requestId ?? null, meta.cardholderId ?? null, JSON.stringify(stateToJson(vsc.state)), tx.now],
    );
    return this.insertVersion(tx, vsc, meta.reason);
  }

  /** Stores the next sealed version of a VSC already stored; refuses when another version came first. */
  async storeNextVersion(tx: Tx, vsc: VirtualSmartCard, reason: string): Promise<VscVersionView> {
    if (!vsc.contentBytes || vsc.isDirty) throw new Error('storeNextVersion takes a sealed VSC');
    const r = (await tx.em.query(
      `WITH u AS (UPDATE vsc SET current_version = $2, updated_at = $4 WHERE id = $1 AND current_version = $3 RETURNING id) SELECT id FROM u`,
      [vsc.id, vsc.version, vsc.version - 1, tx.now],
    )) as unknown[];
    if (r.length !== 1) {
      throw new VscEscrowError(VscEscrowErrorCode.VersionConflict, `VSC ${vsc.id} has moved past version ${vsc.version - 1}; reload it`, {
        vscId: vsc.id,
      });
    }
    return this.insertVersion(tx, vsc, reason);
  }

  private async insertVersion(tx: Tx, vsc: VirtualSmartCard, reason: string): Promise<VscVersionView> {
    const bytes = vsc.contentBytes!;
    const hash = vsc.contentHash ?? sha256(bytes);
    const keys = vsc.currentHeader.keys;
    await tx.em.query(
      `INSERT INTO vsc_version (vsc_id, version, content, sha256, size, kek_label, recovery_label, reason, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [
        vsc.id,
        vsc.version,
        bytes,
        hash,
        bytes.length,
        `${keys.kek.label}/${keys.kek.version}`,
        `${keys.recovery.label}/${keys.recovery.version}`,
        reason,
        tx.now,
      ],
    );
    tx.audit({
      action: 'vsc.version-sealed',
      targetType: 'vsc',
      targetId: vsc.id,
      outcome: 'success',
      details: { version: vsc.version, sha256: hash.toString('hex'), size: bytes.length, reason, kek: keys.kek, recovery: keys.recovery },
    });
    return {
      version: vsc.version,
      sha256: hash.toString('hex'),
      size: bytes.length,
      kek: `${keys.kek.label}/${keys.kek.version}`,
      recovery: `${keys.recovery.label}/${keys.recovery.version}`,
      reason,
      createdAt: tx.now.toISOString(),
      escrowedAt: null,
    };
  }

  /**
   * Commits the escrow of a stored version: reads it back from PostgreSQL in this transaction,
   * checks its hash and runs the full consistency check (seal, recovery slot, every area's GCM tag,
   * through the HSM), then records `escrowed_at`. Idempotent.
   */
  async commitEscrow(tx: Tx, vscId: string, version: number): Promise<VscCheckReport> {
    const rows = (await tx.em.query(`SELECT content, sha256, escrowed_at FROM vsc_version WHERE vsc_id = $1 AND version = $2`, [
      vscId,
      version,
    ])) as Array<{
      content: Buffer;
      sha256: Buffer;
      escrowed_at: Date | null;
    }>;
    const r = rows[0];
    if (!r) throw new VscEscrowError(VscEscrowErrorCode.NotFound, `no version ${version} of VSC ${vscId}`, { vscId, version });
    if (!sha256(r.content).equals(r.sha256)) {
      throw new VscEscrowError(VscEscrowErrorCode.IntegrityAlarm, `the stored VSC ${vscId} v${version} does not match its SHA-256`, {
        vscId,
        version,
      });
    }
    let report: VscCheckReport;
    try {
      report = await VirtualSmartCard.check(r.content, this.deps());
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('hsm.')) throw e;
      throw new VscEscrowError(
        VscEscrowErrorCode.IntegrityAlarm,
        `the stored VSC ${vscId} v${version} fails its consistency check: ${(e as Error).message}`,
        { vscId, version },
        { cause: e },
      );
    }
    if (report.id !== vscId || report.version !== version) {
      throw new VscEscrowError(
        VscEscrowErrorCode.IntegrityAlarm,
        `the stored VSC ${vscId} v${version} names itself ${report.id} v${report.version}`,
        { vscId, version },
      );
    }
    if (!r.escrowed_at) {
      await tx.em.query(`UPDATE vsc_version SET escrowed_at = $3 WHERE vsc_id = $1 AND version = $2`, [vscId, version, tx.now]);
      tx.audit({
        action: 'vsc.escrowed',
        targetType: 'vsc',
        targetId: vscId,
        outcome: 'success',
        details: { version, sha256: report.contentHash },
      });
    }
    return report;
  }

  /**
   * Loads a stored version (the current one by default) with its state and opens it through the
   * recovery path. The caller closes it. Only escrowed versions when `escrowedOnly`.
   */
  async openForRecovery(
    vscId: string,
    opts: { version?: number; escrowedOnly?: boolean; em?: EntityManager } = {},
  ): Promise<VirtualSmartCard> {
    const em = opts.em ?? this.ds.manager;
    const rows = (await em.query(
      `SELECT v.content, v.version, v.escrowed_at, s.state FROM vsc s JOIN vsc_version v ON v.vsc_id = s.id AND v.version = COALESCE($2, s.current_version) WHERE s.id = $1`,
      [vscId, opts.version ?? null],
    )) as Array<{ content: Buffer; version: number; escrowed_at: Date | null; state: VscView['state'] }>;
    const r = rows[0];
    if (!r) throw new VscEscrowError(VscEscrowErrorCode.NotFound, `no VSC ${vscId}${opts.version ? ` v${opts.version}` : ''}`, { vscId });
    if (opts.escrowedOnly && !r.escrowed_at) {
      throw new VscEscrowError(VscEscrowErrorCode.NotFound, `VSC ${vscId} v${r.version} is not escrowed yet`, {
        vscId,
        version: r.version,
      });
    }
    const vsc = await VirtualSmartCard.load(r.content, this.deps(), { state: stateFromJson(r.state) });
    await vsc.openWithRecovery();
    return vsc;
  }

  async view(vscId: string): Promise<VscView> {
    const rows = (await this.ds.query(`SELECT * FROM vsc WHERE id = $1`, [vscId])) as Array<{
      id: string;
      kind: VscKind;
      label: string;
      request_id: string | null;
      cardholder_id: string | null;
      current_version: number;
      state: VscView['state'];
    }>;
    const v = rows[0];
    if (!v) throw new VscEscrowError(VscEscrowErrorCode.NotFound, `no VSC ${vscId}`, { vscId });
    const versions = (await this.ds.query(
      `SELECT version, sha256, size, kek_label, recovery_label, reason, created_at, escrowed_at FROM vsc_version WHERE vsc_id = $1 ORDER BY version`,
      [vscId],
    )) as Array<{
      version: number;
      sha256: Buffer;
      size: number;
      kek_label: string;
      recovery_label: string;
      reason: string;
      created_at: Date;
      escrowed_at: Date | null;
    }>;
    return {
      id: v.id,
      kind: v.kind,
      label: v.label,
      requestId: v.request_id,
      cardholderId: v.cardholder_id,
      currentVersion: v.current_version,
      state: v.state,
      versions: versions.map((x) => ({
        version: x.version,
        sha256: x.sha256.toString('hex'),
        size: x.size,
        kek: x.kek_label,
        recovery: x.recovery_label,
        reason: x.reason,
        createdAt: x.created_at.toISOString(),
        escrowedAt: x.escrowed_at?.toISOString() ?? null,
      })),
    };
  }
}
