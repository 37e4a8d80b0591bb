import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { HsmContext } from '@scm/hsm';
import {
  HsmKeyProtector,
  isVscError,
  VirtualSmartCard,
  type KeyRef,
  type VscCheckReport,
  type VscDeps,
  type VscKind,
  type VscState,
} from '@scm/vsc';
import type { Logger } from 'pino';
import type { HsmHandle } from '../../platform/infra/infra.module';
import { HSM, LOGGER } from '../../platform/infra/tokens';
import { type Tx, UnitOfWork } from '../../platform/infra/unit-of-work';
import { systemActor } from '../../trust/auth/principal';
import { VscEscrowError, VscEscrowErrorCode } from './vsc-escrow-errors';
import { VSC_REPOSITORY, type StoredVscVersion, type VscRepository } from './vsc.repository';
import { stateFromJson, stateToJson, versionView, type VscVersionView } from './vsc-view';

export type { VscStateView, VscVersionView } from './vsc-view';

/** Where a stored copy was read from: the escrow in PostgreSQL, or an archive volume. */
export interface StoredCopy {
  vscId: string;
  version: number;
  content: Buffer;
  source: 'escrow' | 'archive';
  volume?: number;
}

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/**
 * The HSM protector with its "current keys exist" check made once per HSM context: every VSC
 * created asks for it, and each check is two PKCS#11 searches. A key removed later still fails
 * the operation that uses it.
 */
class CheckedOnceProtector extends HsmKeyProtector {
  private checked: Promise<{ kek: KeyRef; recovery: KeyRef }> | undefined;

  override currentKeys(): Promise<{ kek: KeyRef; recovery: KeyRef }> {
    if (!this.checked) {
      const p = super.currentKeys();
      p.catch(() => {
        if (this.checked === p) this.checked = undefined;
      });
      this.checked = p;
    }
    return this.checked;
  }
}

/**
 * Managed VSCs: every sealed version is the escrow copy, kept in PostgreSQL (immutable, with its
 * SHA-256), and the VSC's state lives in its row. Private areas open only through the recovery
 * path (the HSM's recovery key), for the API alone. A stored copy that does not read back as it
 * was sealed is an integrity alarm: audited, logged with what explains it, and reported as
 * `vsc-escrow.integrity-alarm` — never used, and never mistaken for a bad request.
 */
@Injectable()
export class VscEscrowService {
  private cache: { ctx: HsmContext; deps: VscDeps } | undefined;

  constructor(
    @Inject(VSC_REPOSITORY) private readonly vscs: VscRepository,
    @Inject(HSM) private readonly hsm: HsmHandle,
    private readonly uow: UnitOfWork,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** The control program's dependencies over the API's HSM context. */
  deps(): VscDeps {
    const ctx = this.hsm.get();
    if (this.cache?.ctx !== ctx) this.cache = { ctx, deps: { protector: new CheckedOnceProtector(ctx) } };
    return this.cache.deps;
  }

  /** Stores version 1 of a new VSC and its state (the VSC must be sealed); `parentId` names the VSC it was derived from. */
  async storeNew(
    tx: Tx,
    vsc: VirtualSmartCard,
    meta: { kind: VscKind; requestId?: string; cardholderId?: string; parentId?: string; reason: string },
  ): Promise<VscVersionView> {
    if (!vsc.contentBytes || vsc.isDirty || vsc.version !== 1) throw new Error('storeNew takes a VSC sealed once (version 1)');
    await this.vscs.insert(tx, {
      id: vsc.id,
      kind: meta.kind,
      label: vsc.label,
      requestId: meta.requestId ?? null,
      cardholderId: meta.cardholderId ?? null,
      parentId: meta.parentId ?? null,
      currentVersion: 1,
      state: stateToJson(vsc.state),
      createdAt: tx.now,
      updatedAt: tx.now,
    });
    return this.insertVersion(tx, vsc, meta.reason);
  }

  /** Stores the next sealed version of a VSC already stored; refuses when another version came first. */
  async storeNextVersion(tx: Tx, vsc: VirtualSmartCard, reason: string): Promise<VscVersionView> {
    if (!vsc.contentBytes || vsc.isDirty) throw new Error('storeNextVersion takes a sealed VSC');
    if (!(await this.vscs.advance(tx, vsc.id, vsc.version - 1, vsc.version))) {
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
    const version: StoredVscVersion = {
      vscId: vsc.id,
      version: vsc.version,
      content: bytes,
      sha256: hash,
      size: bytes.length,
      kekLabel: `${keys.kek.label}/${keys.kek.version}`,
      recoveryLabel: `${keys.recovery.label}/${keys.recovery.version}`,
      reason,
      createdAt: tx.now,
      escrowedAt: null,
    };
    await this.vscs.insertVersion(tx, version);
    tx.audit({
      action: 'vsc.version-sealed',
      targetType: 'vsc',
      targetId: vsc.id,
      outcome: 'success',
      details: { version: vsc.version, sha256: hash.toString('hex'), size: bytes.length, reason, kek: keys.kek, recovery: keys.recovery },
    });
    return versionView(version);
  }

  /**
   * Commits the escrow of a stored version: reads it back in this transaction, checks its hash and
   * runs the full consistency check (seal, recovery slot, every area's GCM tag, through the HSM),
   * then records it as escrowed. Idempotent.
   */
  async commitEscrow(tx: Tx, vscId: string, version: number): Promise<VscCheckReport> {
    const stored = await this.vscs.version(vscId, version, tx);
    if (!stored) throw new VscEscrowError(VscEscrowErrorCode.NotFound, `no version ${version} of VSC ${vscId}`, { vscId, version });
    const copy: StoredCopy = { vscId, version, content: stored.content, source: 'escrow' };
    if (!sha256(stored.content).equals(stored.sha256)) return this.alarm(tx, copy, 'sha256', 'the stored copy does not match its SHA-256');
    let report: VscCheckReport;
    try {
      report = await VirtualSmartCard.check(stored.content, this.deps());
    } catch (e) {
      return this.rejectCopy(tx, copy, e);
    }
    if (report.id !== vscId || report.version !== version) {
      return this.alarm(tx, copy, 'identity', `the stored copy names itself ${report.id} v${report.version}`);
    }
    if (await this.vscs.markEscrowed(tx, vscId, version)) {
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
  async openForRecovery(vscId: string, opts: { version?: number; escrowedOnly?: boolean; tx?: Tx } = {}): Promise<VirtualSmartCard> {
    const row = await this.vscs.get(vscId, opts.tx);
    const stored = row && (await this.vscs.version(vscId, opts.version ?? row.currentVersion, opts.tx));
    if (!row || !stored) {
      throw new VscEscrowError(VscEscrowErrorCode.NotFound, `no VSC ${vscId}${opts.version ? ` v${opts.version}` : ''}`, { vscId });
    }
    if (opts.escrowedOnly && !stored.escrowedAt) {
      throw new VscEscrowError(VscEscrowErrorCode.NotFound, `VSC ${vscId} v${stored.version} is not escrowed yet`, {
        vscId,
        version: stored.version,
      });
    }
    return this.openCopy({ vscId, version: stored.version, content: stored.content, source: 'escrow' }, opts.tx, stateFromJson(row.state));
  }

  /** Opens a stored copy (from the escrow or an archive volume) through the recovery path; the caller closes it. */
  /**
   * A copy loaded without opening it (no HSM, no private area): for what its public objects say,
   * such as the certificates an approval names. The caller closes it.
   */
  async loadPublic(copy: StoredCopy, tx?: Tx): Promise<VirtualSmartCard> {
    try {
      return await VirtualSmartCard.load(copy.content, this.deps());
    } catch (e) {
      return this.rejectCopy(tx, copy, e);
    }
  }

  async openCopy(copy: StoredCopy, tx?: Tx, state?: VscState): Promise<VirtualSmartCard> {
    let vsc: VirtualSmartCard | undefined;
    try {
      vsc = await VirtualSmartCard.load(copy.content, this.deps(), state ? { state } : {});
      await vsc.openWithRecovery();
      return vsc;
    } catch (e) {
      vsc?.close();
      return this.rejectCopy(tx, copy, e);
    }
  }

  /** A copy the control program rejected whole is an integrity alarm; anything else (the HSM away) passes as it is. */
  private async rejectCopy(tx: Tx | undefined, copy: StoredCopy, e: unknown): Promise<never> {
    if (isVscError(e) && e.isRejection) return this.alarm(tx, copy, e.code, e.message, e);
    throw e;
  }

  private async alarm(tx: Tx | undefined, copy: StoredCopy, check: string, message: string, cause?: Error): Promise<never> {
    const facts = {
      vscId: copy.vscId,
      version: copy.version,
      source: copy.source,
      ...(copy.volume !== undefined ? { volume: copy.volume } : {}),
      check,
      ...((cause as { meta?: Record<string, unknown> } | undefined)?.meta ?? {}),
    };
    this.log.error({ alarm: facts }, `VSC integrity alarm: ${message}`);
    const event = {
      action: 'vsc.integrity-alarm',
      targetType: 'vsc',
      targetId: copy.vscId,
      outcome: 'failure' as const,
      details: { ...facts, message },
    };
    const lost = (e: unknown) => this.log.error({ err: e, alarm: facts }, 'the VSC integrity alarm could not be audited');
    // The caller's transaction rolls back with the error: the alarm is kept, committed once that
    // transaction's connection is released (never a second connection while it is held). Outside
    // a unit of work, in one of its own.
    if (tx) tx.auditEvenIfRolledBack(event, lost);
    else await this.uow.run(systemActor('vsc-escrow'), async (own) => own.audit(event)).catch(lost);
    throw new VscEscrowError(
      VscEscrowErrorCode.IntegrityAlarm,
      `integrity alarm: the ${copy.source === 'archive' ? `archived (volume ${copy.volume})` : 'stored'} copy of VSC ${copy.vscId} v${copy.version} does not read back as sealed (${message})`,
      facts,
      { cause },
    );
  }
}
